package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.openapi.PredictDocs;
import dev.kiln.protocol.ErrorBody;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Options;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Data-plane routes (DESIGN §4.1, §4.2). They check project keys themselves, so they are open to
 * micronaut-security. Two-segment paths only, so /api/v1/**, /internal/**, /health and static files never
 * match them. Runs on the event loop: nothing here blocks.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@Tag(name = "Prediction")
@SecurityRequirement(name = "projectKey")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3), with predictId; X-Predict-Id is set",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class),
                examples = @ExampleObject(name = "badRoutine", value = PredictDocs.ERROR)))
class GatewayController {

    private final Gateway gateway;
    private final DeploymentInfo info;
    private final AsyncPredictions async;

    GatewayController(Gateway gateway, DeploymentInfo info, AsyncPredictions async) {
        this.gateway = gateway;
        this.info = info;
        this.async = async;
    }

    @Get("/ping")
    @SecurityRequirements
    @Operation(summary = "Gateway liveness (open)")
    HttpResponse<Map<String, String>> ping() {
        return HttpResponse.ok(Map.of("status", "Healthy"));
    }

    /** OPTIONS, like HEAD (which Micronaut answers from the GET route): seeds' clients probe health with them. */
    @Options("/ping")
    @SecurityRequirements
    HttpResponse<?> pingOptions() {
        return DataPlaneResponses.allow();
    }

    // Any content type gets in, so a wrong one gets the data plane's own 415 body.
    @Post(uri = "/{deploymentId}/predict", consumes = MediaType.ALL)
    @Operation(summary = "Run the deployment's model on one image",
            description = "The image is given as base64, a URL or an RGB array; routines post-process the predictions "
                    + "in the order given. With ?async=true the answer is 202 {predictId, status, resultUrl}.",
            parameters = @Parameter(name = "async", in = ParameterIn.QUERY, schema = @Schema(type = "boolean")),
            requestBody = @RequestBody(required = true, content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = PredictDocs.PredictRequest.class),
                    examples = {
                            @ExampleObject(name = "base64", value = PredictDocs.BASE64),
                            @ExampleObject(name = "url", value = PredictDocs.URL),
                            @ExampleObject(name = "array", value = PredictDocs.ARRAY),
                            @ExampleObject(name = "FilterConfidence", value = PredictDocs.FILTER_CONFIDENCE),
                            @ExampleObject(name = "FilterClass", value = PredictDocs.FILTER_CLASS),
                            @ExampleObject(name = "ExcludeClass", value = PredictDocs.EXCLUDE_CLASS),
                            @ExampleObject(name = "FilterIOU", value = PredictDocs.FILTER_IOU),
                            @ExampleObject(name = "Histogram (bins)", value = PredictDocs.HISTOGRAM_BINS),
                            @ExampleObject(name = "Histogram (ranges)", value = PredictDocs.HISTOGRAM_RANGES),
                            @ExampleObject(name = "ActiveLearning", value = PredictDocs.ACTIVE_LEARNING)})))
    @ApiResponse(responseCode = "200", description = "Predictions", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = PredictDocs.PredictResponse.class),
            examples = @ExampleObject(name = "detection", value = PredictDocs.RESPONSE)))
    CompletableFuture<HttpResponse<?>> predict(String deploymentId, HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        if (AsyncPredictions.requested(request)) {
            return gateway.admitted(deploymentId, request, predictId, route -> async.submit(route, request, predictId));
        }
        return gateway.predict(deploymentId, request, predictId);
    }

    @Get("/{deploymentId}/predictions/{resultId}")
    @Operation(summary = "Result of an async prediction: 200 done, 202 running, 404 unknown or expired",
            description = "With ?waitSeconds=N (at most 30) the answer waits until the result is done; 408 when it "
                    + "is still running after N seconds.",
            parameters = @Parameter(name = "waitSeconds", in = ParameterIn.QUERY, schema = @Schema(type = "integer")))
    CompletableFuture<HttpResponse<?>> result(String deploymentId, String resultId, HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        return gateway.admitted(deploymentId, request, predictId,
                route -> async.result(route, resultId, request, predictId));
    }

    @Get("/{deploymentId}/ping")
    @Operation(summary = "200 when at least one instance is ready, else 503")
    CompletableFuture<HttpResponse<?>> deploymentPing(String deploymentId, HttpRequest<?> request) {
        return gateway.ping(deploymentId, request, PredictIds.of(request));
    }

    @Options("/{deploymentId}/ping")
    @SecurityRequirements
    HttpResponse<?> deploymentPingOptions(String deploymentId) {
        return DataPlaneResponses.allow();
    }

    @Get("/{deploymentId}/info")
    @Operation(summary = "Model, labels, input spec, output adapter and batching of the deployment")
    CompletableFuture<HttpResponse<?>> info(String deploymentId, HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        return gateway.admitted(deploymentId, request, predictId, route -> info.answer(route, predictId));
    }
}
