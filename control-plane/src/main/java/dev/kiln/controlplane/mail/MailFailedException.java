package dev.kiln.controlplane.mail;

import dev.kiln.controlplane.common.ApiException;

import java.util.List;

/** 502: the SMTP server refused or could not be reached; the message says what the caller's change became. */
public class MailFailedException extends ApiException {

    public MailFailedException(String message) {
        super(message, List.of());
    }

    @Override
    public int status() {
        return 502;
    }
}
