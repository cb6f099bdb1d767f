package dev.kiln.node.runtime;

/** The model failed at run time; the message is ONNX Runtime's, safe to show to the caller. */
public class InferenceFailedException extends RuntimeException {
    public InferenceFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
