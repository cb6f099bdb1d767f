package dev.kiln.controlplane.common;

import java.time.Duration;
import java.util.List;

/** 429: the caller must wait; {@link ApiExceptionHandler} sends {@code Retry-After} with the wait in seconds. */
public class TooManyRequestsException extends ApiException {

    private final long retryAfterSeconds;

    public TooManyRequestsException(String message, Duration retryAfter) {
        super(message, List.of());
        // Retry-After has whole seconds; round up so a client that obeys it is never refused again.
        this.retryAfterSeconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public int status() {
        return 429;
    }
}
