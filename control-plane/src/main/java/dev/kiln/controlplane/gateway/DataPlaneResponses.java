package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.stats.GatewayObservations;
import dev.kiln.protocol.ErrorBody;
import dev.kiln.protocol.InternalPaths;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

import java.time.Duration;
import java.util.List;

/** Responses of the data plane: every one carries X-Predict-Id, and errors the §4.3 body with predictId. */
final class DataPlaneResponses {

    private DataPlaneResponses() {
    }

    static MutableHttpResponse<ErrorBody> error(int status, String message, String predictId) {
        return error(status, message, List.of(), predictId);
    }

    static MutableHttpResponse<ErrorBody> error(int status, String message, List<ErrorBody.Detail> detail,
                                                String predictId) {
        return HttpResponse.<ErrorBody>status(HttpStatus.valueOf(status))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header(InternalPaths.PREDICT_ID_HEADER, predictId)
                // Counted in the deployment's stats as refused, except 502/504: a node had the request and counts it.
                .attribute(GatewayObservations.REFUSED_ATTRIBUTE, status != 502 && status != 504)
                .body(ErrorBody.of(status, message, detail, predictId));
    }

    /** A 400 about one place in the request body. */
    static MutableHttpResponse<ErrorBody> badRequest(String message, List<String> loc, String type, String predictId) {
        return error(400, message, List.of(new ErrorBody.Detail(loc, message, type)), predictId);
    }

    /** 503 with Retry-After: the client should simply try again shortly. */
    static MutableHttpResponse<ErrorBody> unavailable(String message, String predictId, Duration retryAfter) {
        return error(503, message, predictId)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
    }

    /** The answer to OPTIONS on a health endpoint: 200, no body, the methods it takes. */
    static MutableHttpResponse<?> allow() {
        return HttpResponse.ok().header(HttpHeaders.ALLOW, "GET, HEAD, OPTIONS");
    }

    /** The node's answer as it came: status, content type and bytes, untouched. */
    static MutableHttpResponse<byte[]> relay(int status, String contentType, byte[] body, String predictId) {
        MutableHttpResponse<byte[]> response;
        try {
            response = HttpResponse.status(HttpStatus.valueOf(status));
        } catch (IllegalArgumentException unknownCode) {
            response = HttpResponse.status(status, "Status " + status);
        }
        return response.contentType(contentType)
                .header(InternalPaths.PREDICT_ID_HEADER, predictId)
                .body(body);
    }
}
