package dev.kiln.controlplane.common;

import java.util.List;

/** 503: the fleet has no capacity to serve the request now. */
public class CapacityException extends ApiException {

    public CapacityException(String message) {
        super(message, List.of());
    }

    @Override
    public int status() {
        return 503;
    }
}
