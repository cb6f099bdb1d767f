package dev.kiln.controlplane.gateway;

import dev.kiln.protocol.ErrorBody;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The other serving protocols of DESIGN §4.2 (KServe v1, TorchServe, Open Inference Protocol v2), with the same
 * key checks as /{id}/predict except the open v2 health routes. Runs on the event loop: nothing here blocks.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@Tag(name = "Compatibility")
@SecurityRequirement(name = "projectKey")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3), with predictId",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
class CompatibilityController {

    private static final String KSERVE_V1_VERB = ":predict";

    private final Gateway gateway;
    private final KServeV1 kserve;
    private final RawImagePredictions rawImages;
    private final OpenInferenceV2 v2;

    CompatibilityController(Gateway gateway, KServeV1 kserve, RawImagePredictions rawImages, OpenInferenceV2 v2) {
        this.gateway = gateway;
        this.kserve = kserve;
        this.rawImages = rawImages;
        this.v2 = v2;
    }

    /** {@code /v1/models/{id}:predict}: the verb is part of the last segment, so it is split off here. */
    @Post(uri = "/v1/models/{modelVerb}", consumes = MediaType.ALL)
    CompletableFuture<HttpResponse<?>> kserveV1(String modelVerb, HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        if (!modelVerb.endsWith(KSERVE_V1_VERB)) {
            return Gateway.done(DataPlaneResponses.error(404, "KServe v1 supports only POST /v1/models/{id}:predict.",
                    predictId));
        }
        String deploymentId = modelVerb.substring(0, modelVerb.length() - KSERVE_V1_VERB.length());
        return gateway.admittedAs(deploymentId, request, predictId,
                admitted -> kserve.predict(admitted, request, predictId));
    }

    @Post(uri = "/predictions/{deploymentId}", consumes = MediaType.ALL)
    CompletableFuture<HttpResponse<?>> torchServe(String deploymentId, HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        return gateway.admitted(deploymentId, request, predictId, route -> rawImages.predict(route, request, predictId));
    }

    /** {@code curl -T photo.jpg} uploads with PUT. */
    @Put(uri = "/predictions/{deploymentId}", consumes = MediaType.ALL)
    CompletableFuture<HttpResponse<?>> torchServePut(String deploymentId, HttpRequest<?> request) {
        return torchServe(deploymentId, request);
    }

    @Get("/v2/health/live")
    @SecurityRequirements
    HttpResponse<Map<String, Boolean>> live() {
        return HttpResponse.ok(Map.of("live", true));
    }

    /** The gateway serves from memory, so once it answers at all it is ready; per-model readiness is below. */
    @Get("/v2/health/ready")
    @SecurityRequirements
    HttpResponse<Map<String, Boolean>> ready() {
        return HttpResponse.ok(Map.of("ready", true));
    }

    @Get("/v2/models/{deploymentId}")
    CompletableFuture<HttpResponse<?>> metadata(String deploymentId, HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        return gateway.admitted(deploymentId, request, predictId, route -> v2.metadata(route, predictId));
    }

    @Get("/v2/models/{deploymentId}/ready")
    CompletableFuture<HttpResponse<?>> modelReady(String deploymentId, HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        return gateway.admitted(deploymentId, request, predictId, route -> Gateway.done(v2.ready(route, predictId)));
    }

    @Post(uri = "/v2/models/{deploymentId}/infer", consumes = MediaType.ALL)
    CompletableFuture<HttpResponse<?>> infer(String deploymentId, HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        return gateway.admitted(deploymentId, request, predictId, route -> v2.infer(route, request, predictId));
    }
}
