package dev.kiln.node.routines;

import dev.kiln.protocol.ErrorBody;

import java.util.List;

/** An unknown routine or a bad argument: a 400 whose detail names the routine and the argument. */
public class InvalidRoutineException extends RuntimeException {
    private final transient ErrorBody.Detail detail;

    InvalidRoutineException(String message, List<String> loc, String type) {
        super(message, null, false, false);
        this.detail = new ErrorBody.Detail(loc, message, type);
    }

    public ErrorBody.Detail detail() {
        return detail;
    }
}
