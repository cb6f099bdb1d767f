package dev.kiln.controlplane.common;

import dev.kiln.protocol.ErrorBody;

import java.util.List;

/**
 * Base of the domain exceptions: each knows its HTTP status, and its message is one plain sentence
 * safe to show to the caller. {@link ApiExceptionHandler} turns them into {@link ErrorBody}.
 */
public abstract class ApiException extends RuntimeException {

    private final transient List<ErrorBody.Detail> detail;

    protected ApiException(String message, List<ErrorBody.Detail> detail) {
        super(message, null, false, false); // no stack trace: these are expected outcomes, not faults
        this.detail = List.copyOf(detail);
    }

    public abstract int status();

    public List<ErrorBody.Detail> detail() {
        return detail;
    }
}
