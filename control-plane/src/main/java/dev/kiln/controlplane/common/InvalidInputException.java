package dev.kiln.controlplane.common;

import dev.kiln.protocol.ErrorBody;

import java.util.List;

/** 400: the request is well-formed but its values are not acceptable; {@code detail} names each field. */
public class InvalidInputException extends ApiException {

    public InvalidInputException(String message, List<ErrorBody.Detail> detail) {
        super(message, detail);
    }

    public InvalidInputException(String message) {
        this(message, List.of());
    }

    /** One problem with one body field, e.g. {@code field("name", "must not be blank", "value_error.missing")}. */
    public static InvalidInputException field(String field, String msg, String type) {
        return new InvalidInputException(msg.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                + msg.substring(1) + " (" + field + ").", List.of(Problems.body(field, msg, type)));
    }

    @Override
    public int status() {
        return 400;
    }
}
