package dev.kiln.node.agent;

import java.io.IOException;

/** A control-plane call failed: unreachable, or an unexpected status. */
class ControlPlaneException extends IOException {
    private final int status;

    ControlPlaneException(String message, int status) {
        super(message);
        this.status = status;
    }

    ControlPlaneException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** HTTP status, 0 when there was no answer. */
    int status() {
        return status;
    }

    boolean unauthorized() {
        return status == 401;
    }
}
