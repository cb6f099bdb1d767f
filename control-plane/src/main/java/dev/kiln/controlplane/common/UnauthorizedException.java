package dev.kiln.controlplane.common;

import java.util.List;

/** 401: missing or wrong credentials (e.g. a failed login). */
public class UnauthorizedException extends ApiException {

    public UnauthorizedException(String message) {
        super(message, List.of());
    }

    @Override
    public int status() {
        return 401;
    }
}
