package dev.kiln.controlplane.common;

import java.util.List;

/** 503: a dependency is not ready yet (e.g. no ready instance). */
public class UnavailableException extends ApiException {

    public UnavailableException(String message) {
        super(message, List.of());
    }

    @Override
    public int status() {
        return 503;
    }
}
