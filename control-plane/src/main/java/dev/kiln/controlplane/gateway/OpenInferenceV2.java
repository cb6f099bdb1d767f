package dev.kiln.controlplane.gateway;

import dev.kiln.protocol.InternalPaths;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The Open Inference Protocol v2 (KServe v2 / Triton HTTP) on a deployment: metadata and infer are answered by a
 * ready instance's node, which has the session and so the real tensor names, types and shapes; readiness comes from
 * the routing table. The node's metadata answer is checked and written again, never relayed as it came.
 */
@Singleton
class OpenInferenceV2 {

    private static final byte[] NO_BODY = new byte[0];

    private final Gateway gateway;
    private final NodeAnswers answers;

    OpenInferenceV2(Gateway gateway, NodeAnswers answers) {
        this.gateway = gateway;
        this.answers = answers;
    }

    CompletableFuture<HttpResponse<?>> metadata(Route route, String predictId) {
        if (route.ready().isEmpty()) {
            return Gateway.done(gateway.noReadyInstance(route, predictId));
        }
        return gateway.dispatch(route, NodeCall.METADATA, NO_BODY, predictId)
                .thenApply(reply -> answers.metadata(reply, predictId));
    }

    HttpResponse<?> ready(Route route, String predictId) {
        if (route.ready().isEmpty()) {
            return gateway.noReadyInstance(route, predictId);
        }
        return HttpResponse.ok(Map.of("name", route.deploymentId().toString(), "ready", true))
                .header(InternalPaths.PREDICT_ID_HEADER, predictId);
    }

    CompletableFuture<HttpResponse<?>> infer(Route route, HttpRequest<?> request, String predictId) {
        return gateway.forwardJson(route, request, predictId, NodeCall.INFER,
                "Send the infer request as application/json.");
    }
}
