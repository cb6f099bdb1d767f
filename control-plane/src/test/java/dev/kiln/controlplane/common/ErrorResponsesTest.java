package dev.kiln.controlplane.common;

import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorResponsesTest {

    private final ErrorResponses responses = new ErrorResponses();

    @Test
    void anInternalErrorNeverShowsTheExceptionMessageToTheClient() {
        RuntimeException fault = new RuntimeException("password=hunter2 in a SQL error");
        ErrorContext context = ErrorContext.builder(HttpRequest.GET("/api/v1/x")).cause(fault)
                .errorMessage("Internal Server Error: " + fault.getMessage()).build();

        ErrorBody body = responses.processResponse(context, HttpResponse.serverError()).body();

        assertThat(body.status()).isEqualTo(500);
        assertThat(body.error()).isEqualTo("InternalServerError");
        assertThat(body.message()).doesNotContain("hunter2").isNotBlank();
        assertThat(body.predictId()).isNull();
    }

    @Test
    void aDataPlaneRequestsPredictIdIsCopiedIntoEveryErrorBody() {
        MutableHttpRequest<?> request = HttpRequest.POST("/d/predict", "");
        request.setAttribute(ErrorResponses.PREDICT_ID_ATTRIBUTE, "p-123");
        ErrorContext context = ErrorContext.builder(request).errorMessage("Page Not Found").build();

        ErrorBody body = responses.processResponse(context, HttpResponse.notFound()).body();

        assertThat(body.predictId()).isEqualTo("p-123");
        assertThat(body.message()).isEqualTo("No such resource.");
    }
}
