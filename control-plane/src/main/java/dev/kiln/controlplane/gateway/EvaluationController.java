package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.openapi.PredictDocs;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.inject.Named;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The dashboard's evaluation: predict with the session instead of a project key. Stays on the event loop, like the
 * data plane, so the image body streams into the gateway's reader; only the access check runs on a blocking thread.
 * An exception of that check (401, 403, 404) reaches the one error handler through the returned future.
 */
@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Deployments")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
class EvaluationController {

    private final Evaluations evaluations;
    private final Gateway gateway;
    private final ExecutorService blocking;

    EvaluationController(Evaluations evaluations, Gateway gateway,
                         @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.evaluations = evaluations;
        this.gateway = gateway;
        this.blocking = blocking;
    }

    @Post(uri = "/deployments/{deploymentId}/evaluate", consumes = MediaType.ALL)
    @Operation(summary = "Predict from the dashboard (MEMBER+), counted as evaluation traffic",
            description = "Same body and answer as POST /{deploymentId}/predict, authorized by the session.",
            requestBody = @RequestBody(required = true, content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = PredictDocs.PredictRequest.class))))
    @ApiResponse(responseCode = "200", description = "Predictions", content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = PredictDocs.PredictResponse.class)))
    CompletableFuture<HttpResponse<?>> evaluate(@Parameter(hidden = true) Caller caller, UUID deploymentId,
                                                HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        return gateway.evaluate(deploymentId, request, predictId,
                () -> evaluations.authorize(caller, deploymentId, request), blocking);
    }
}
