package dev.kiln.onnx;

/** The file is not a model Kiln can serve; the message is one plain sentence fit for a client. */
public class InvalidModelException extends Exception {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
