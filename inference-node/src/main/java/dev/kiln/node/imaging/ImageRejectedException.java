package dev.kiln.node.imaging;

import dev.kiln.protocol.ErrorBody;

import java.util.List;

/** The request's image cannot be used: 400 (not an image, bad array, blocked URL) or 413 (too many pixels/bytes). */
public class ImageRejectedException extends RuntimeException {
    private final int status;
    private final transient List<ErrorBody.Detail> detail;

    public ImageRejectedException(int status, String message, List<ErrorBody.Detail> detail) {
        super(message, null, false, false);
        this.status = status;
        this.detail = List.copyOf(detail);
    }

    /** 400 about {@code body.data}. */
    public static ImageRejectedException invalid(String message, String type) {
        return new ImageRejectedException(400, message, List.of(dataDetail(message, type)));
    }

    /** 413 about {@code body.data}. */
    public static ImageRejectedException tooLarge(String message) {
        return new ImageRejectedException(413, message, List.of(dataDetail(message, "value_error.too_large")));
    }

    static ErrorBody.Detail dataDetail(String message, String type) {
        return new ErrorBody.Detail(List.of("body", "data"), message, type);
    }

    public int status() {
        return status;
    }

    public List<ErrorBody.Detail> detail() {
        return detail;
    }
}
