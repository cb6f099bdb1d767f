package dev.kiln.node.predict;

import dev.kiln.node.imaging.DecodingBusyException;
import dev.kiln.node.imaging.ImageRejectedException;
import dev.kiln.node.routines.InvalidRoutineException;
import dev.kiln.node.runtime.InferenceCancelledException;
import dev.kiln.node.runtime.InferenceFailedException;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** The one mapping from what went wrong in a prediction to the error body of DESIGN §4.3 (no stack traces). */
final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    static MutableHttpResponse<ErrorBody> of(Throwable error, String predictId, long timeoutMs) {
        Throwable e = unwrap(error);
        return switch (e) {
            case PredictException p -> {
                MutableHttpResponse<ErrorBody> response = body(p.status(), p.getMessage(), p.detail(), predictId);
                if (p.retryAfterSeconds() != null) {
                    response.header("Retry-After", String.valueOf(p.retryAfterSeconds()));
                }
                yield response;
            }
            case DecodingBusyException b -> body(503, b.getMessage(), List.of(), predictId)
                    .header("Retry-After", String.valueOf(DecodingBusyException.RETRY_AFTER_SECONDS));
            case ImageRejectedException r -> body(r.status(), r.getMessage(), r.detail(), predictId);
            case InvalidRoutineException r -> body(400, r.getMessage(), List.of(r.detail()), predictId);
            case TimeoutException t -> timeout(timeoutMs, predictId);
            case InferenceCancelledException c -> timeout(timeoutMs, predictId);
            case InferenceFailedException f -> body(500, "The model failed: " + f.getMessage(), List.of(), predictId);
            default -> {
                LOG.error("Prediction {} failed unexpectedly", predictId, e);
                yield body(500, "The node failed to process the request.", List.of(), predictId);
            }
        };
    }

    static MutableHttpResponse<ErrorBody> body(int status, String message, List<ErrorBody.Detail> detail,
                                               String predictId) {
        return HttpResponse.<ErrorBody>status(HttpStatus.valueOf(status))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(ErrorBody.of(status, message, detail, predictId));
    }

    private static MutableHttpResponse<ErrorBody> timeout(long timeoutMs, String predictId) {
        return body(504, "The prediction took longer than the deployment's timeout of " + timeoutMs + " ms.",
                List.of(), predictId);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable current = e;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
