package dev.kiln.controlplane.gateway;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
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
    HttpResponse<Map<String, String>> ping() {
        return HttpResponse.ok(Map.of("status", "Healthy"));
    }

    // Any content type gets in, so a wrong one gets the data plane's own 415 body.
    @Post(uri = "/{deploymentId}/predict", consumes = MediaType.ALL)
    CompletableFuture<HttpResponse<?>> predict(String deploymentId, HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        if (AsyncPredictions.requested(request)) {
            return gateway.admitted(deploymentId, request, predictId, route -> async.submit(route, request, predictId));
        }
        return gateway.predict(deploymentId, request, predictId);
    }

    @Get("/{deploymentId}/predictions/{resultId}")
    CompletableFuture<HttpResponse<?>> result(String deploymentId, String resultId, HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        return gateway.admitted(deploymentId, request, predictId, route -> async.result(route, resultId, predictId));
    }

    @Get("/{deploymentId}/ping")
    CompletableFuture<HttpResponse<?>> deploymentPing(String deploymentId, HttpRequest<?> request) {
        return gateway.ping(deploymentId, request, PredictIds.of(request));
    }

    @Get("/{deploymentId}/info")
    CompletableFuture<HttpResponse<?>> info(String deploymentId, HttpRequest<?> request) {
        String predictId = PredictIds.of(request);
        return gateway.admitted(deploymentId, request, predictId, route -> info.answer(route, predictId));
    }
}
