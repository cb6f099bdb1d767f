package dev.kiln.controlplane.common;

import java.util.List;

/** 403: the caller may see the resource but its role does not allow the action. */
public class ForbiddenException extends ApiException {

    public ForbiddenException(String message) {
        super(message, List.of());
    }

    @Override
    public int status() {
        return 403;
    }
}
