package dev.kiln.node.runtime;

/** An instance could not be brought up; the message is one sentence reported to the control plane. */
public class ModelLoadException extends Exception {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
