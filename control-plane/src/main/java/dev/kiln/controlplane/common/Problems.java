package dev.kiln.controlplane.common;

import dev.kiln.protocol.ErrorBody;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects field problems while validating a request, so the caller learns about every bad field at
 * once rather than one per round trip.
 */
public final class Problems {

    private final List<ErrorBody.Detail> details = new ArrayList<>();

    public static ErrorBody.Detail body(String field, String msg, String type) {
        return new ErrorBody.Detail(List.of("body", field), msg, type);
    }

    public Problems add(String field, String msg, String type) {
        details.add(body(field, msg, type));
        return this;
    }

    public Problems add(ErrorBody.Detail detail) {
        details.add(detail);
        return this;
    }

    public boolean isEmpty() {
        return details.isEmpty();
    }

    /** Throws a 400 naming every collected problem; does nothing when there is none. */
    public void throwIfAny(String message) {
        if (!details.isEmpty()) {
            throw new InvalidInputException(message, details);
        }
    }
}
