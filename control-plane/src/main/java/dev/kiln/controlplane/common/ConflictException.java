package dev.kiln.controlplane.common;

import java.util.List;

/** 409: the request conflicts with the current state, e.g. a duplicate name. */
public class ConflictException extends ApiException {

    public ConflictException(String message) {
        super(message, List.of());
    }

    @Override
    public int status() {
        return 409;
    }
}
