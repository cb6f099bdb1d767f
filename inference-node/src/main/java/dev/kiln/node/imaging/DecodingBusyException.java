package dev.kiln.node.imaging;

/** The node's decoding budget stayed full for as long as the request could wait: 503, retry later. */
public class DecodingBusyException extends RuntimeException {
    public static final int RETRY_AFTER_SECONDS = 1;

    public DecodingBusyException(String message) {
        super(message, null, false, false);
    }
}
