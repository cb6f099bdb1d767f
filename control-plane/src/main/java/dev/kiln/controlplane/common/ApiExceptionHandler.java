package dev.kiln.controlplane.common;

import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Turns every domain exception into its status and the §4.3 body (via {@link ErrorResponses}). */
@Singleton
public class ApiExceptionHandler implements ExceptionHandler<ApiException, HttpResponse<ErrorBody>> {

    @Override
    public HttpResponse<ErrorBody> handle(HttpRequest request, ApiException exception) {
        ErrorBody body = ErrorBody.of(exception.status(), exception.getMessage(), exception.detail(), null);
        var response = HttpResponse.status(HttpStatus.valueOf(exception.status()));
        if (exception instanceof TooManyRequestsException tooMany) {
            response.header("Retry-After", Long.toString(tooMany.retryAfterSeconds()));
        } else if (exception.status() == 503 || exception.status() == 429) {
            response.header("Retry-After", "1");
        }
        return ErrorResponses.withBody(request, response, body);
    }
}
