package dev.kiln.node.runtime;

/** The run was abandoned because its request timed out before or while the model ran. */
public class InferenceCancelledException extends RuntimeException {
    public InferenceCancelledException() {
        super("the request timed out", null, false, false);
    }
}
