package dev.kiln.node.predict;

import dev.kiln.protocol.ErrorBody;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Micronaut's own errors (unknown route, wrong method, body too large, unsupported content type, unreadable
 * arguments) in the same body as everything else, with the predict id on the instance endpoints.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
final class KilnErrorResponseProcessor implements ErrorResponseProcessor<ErrorBody> {

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<ErrorBody> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        int status = response.code();
        HttpRequest<?> request = context.getRequest();
        String predictId = request.getPath().startsWith("/internal/v1/instances/") ? PredictIds.of(request) : null;
        ErrorBody body = ErrorBody.of(status, message(status, context), List.of(), predictId);
        return ((MutableHttpResponse<ErrorBody>) response).body(body).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static String message(int status, ErrorContext context) {
        return switch (status) {
            case 400 -> context.getErrors().stream().findFirst()
                    .map(e -> "The request is invalid: " + e.getMessage()).orElse("The request is invalid.");
            case 401 -> "Authentication is required.";
            case 404 -> "No such resource.";
            case 405 -> "This method is not allowed here.";
            case 413 -> "The request body is larger than the limit.";
            case 415 -> "This content type is not supported; send application/json.";
            default -> status >= 500 ? "The node failed to process the request." : "The request failed.";
        };
    }
}
