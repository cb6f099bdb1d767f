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

    GatewayController(Gateway gateway) {
        this.gateway = gateway;
    }

    @Get("/ping")
    HttpResponse<Map<String, String>> ping() {
        return HttpResponse.ok(Map.of("status", "Healthy"));
    }

    // Any content type gets in, so a wrong one gets the data plane's own 415 body.
    @Post(uri = "/{deploymentId}/predict", consumes = MediaType.ALL)
    CompletableFuture<HttpResponse<?>> predict(String deploymentId, HttpRequest<?> request) {
        return gateway.predict(deploymentId, request, PredictIds.of(request));
    }

    @Get("/{deploymentId}/ping")
    CompletableFuture<HttpResponse<?>> deploymentPing(String deploymentId, HttpRequest<?> request) {
        return gateway.ping(deploymentId, request, PredictIds.of(request));
    }
}
