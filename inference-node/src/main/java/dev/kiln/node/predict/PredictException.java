package dev.kiln.node.predict;

import dev.kiln.protocol.ErrorBody;

import java.util.List;

/** A request that ends in an error body of DESIGN §4.3 with this status. */
public class PredictException extends RuntimeException {
    private final int status;
    private final transient List<ErrorBody.Detail> detail;
    private final Integer retryAfterSeconds;

    public PredictException(int status, String message, List<ErrorBody.Detail> detail, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.detail = List.copyOf(detail);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static PredictException badRequest(String message, List<String> loc, String type) {
        return new PredictException(400, message, List.of(new ErrorBody.Detail(loc, message, type)), null);
    }

    static PredictException unavailable(String message) {
        return new PredictException(503, message, List.of(), 1);
    }

    public int status() {
        return status;
    }

    public List<ErrorBody.Detail> detail() {
        return detail;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
