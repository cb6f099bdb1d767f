package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.stats.GatewayObservations;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * KServe v1 {@code :predict} (DESIGN §4.2): each element of {@code instances} is a §4.1 predict body, sent through
 * the normal prediction path concurrently (so they spread over the ready instances); the answer lists each one's
 * predictions in order. The first element that fails decides the response, its error located at
 * {@code ["body","instances",i,...]}.
 */
@Singleton
class KServeV1 {

    private final Gateway gateway;
    private final JsonMapper json;
    private final GatewayConfig config;
    private final RateLimiter limiter;

    KServeV1(Gateway gateway, JsonMapper json, GatewayConfig config, RateLimiter limiter) {
        this.gateway = gateway;
        this.limiter = limiter;
        this.json = json;
        this.config = config;
    }

    CompletableFuture<HttpResponse<?>> predict(Admission.Admitted admitted, HttpRequest<?> request, String predictId) {
        Route route = admitted.route();
        if (!Gateway.isJson(request)) {
            return Gateway.done(DataPlaneResponses.error(415,
                    "Send the KServe v1 request as application/json.", predictId));
        }
        return gateway.readBody(route, request, predictId, body -> fanOut(admitted, body, predictId));
    }

    private CompletableFuture<HttpResponse<?>> fanOut(Admission.Admitted admitted, byte[] body, String predictId) {
        Route route = admitted.route();
        JsonNode root;
        try {
            root = json.readValue(body, JsonNode.class);
        } catch (IOException e) {
            return Gateway.done(DataPlaneResponses.badRequest("The request body is not valid JSON.", List.of("body"),
                    "value_error.json", predictId));
        }
        JsonNode instances = root == null || !root.isObject() ? null : root.get("instances");
        if (instances == null || !instances.isArray() || instances.size() == 0) {
            return Gateway.done(DataPlaneResponses.badRequest("The body must be {\"instances\": [<predict body>, …]} "
                    + "with at least one instance.", List.of("body", "instances"), "value_error.missing", predictId));
        }
        if (instances.size() > config.maxInstancesPerRequest()) {
            return Gateway.done(DataPlaneResponses.badRequest("At most " + config.maxInstancesPerRequest()
                            + " instances per request; send the rest in further requests.",
                    List.of("body", "instances"), "value_error.too_many", predictId));
        }
        // All checked before any is sent, so a malformed request costs the instances nothing.
        for (int i = 0; i < instances.size(); i++) {
            if (!instances.get(i).isObject()) {
                return Gateway.done(DataPlaneResponses.badRequest("Each instance must be a predict body object.",
                        List.of("body", "instances", String.valueOf(i)), "type_error.object", predictId));
            }
        }
        // Admission spent one call of the key's and the deployment's rate; each further instance is one more.
        limiter.charge(admitted.key(), route, instances.size() - 1);
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (JsonNode instance : instances.values()) {
            try {
                replies.add(gateway.dispatch(route, NodeCall.PREDICT, json.writeValueAsBytes(instance), predictId));
            } catch (IOException e) {
                throw new IllegalStateException("Could not re-encode a parsed JSON value", e);
            }
        }
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> combine(replies.stream().map(CompletableFuture::join).toList(), predictId));
    }

    private HttpResponse<?> combine(List<Reply> replies, String predictId) {
        List<JsonNode> predictions = new ArrayList<>(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            Reply reply = replies.get(i);
            if (!(reply instanceof Reply.FromNode node) || node.status() != 200) {
                return failure(i, reply, predictId);
            }
            try {
                JsonNode answer = json.readValue(node.body(), JsonNode.class);
                JsonNode each = answer == null ? null : answer.get("predictions");
                predictions.add(each == null ? JsonNode.createArrayNode(List.of()) : each);
            } catch (IOException e) {
                return DataPlaneResponses.error(502, "An instance sent an answer that is not JSON.", predictId);
            }
        }
        try {
            byte[] body = json.writeValueAsBytes(JsonNode.createObjectNode(
                    Map.of("predictions", JsonNode.createArrayNode(predictions))));
            return DataPlaneResponses.relay(200, MediaType.APPLICATION_JSON, body, predictId);
        } catch (IOException e) {
            throw new IllegalStateException("Could not encode the predictions", e);
        }
    }

    /** A node's 4xx moves under the element's place in the request; anything else is passed on as it came. */
    private HttpResponse<?> failure(int index, Reply reply, String predictId) {
        if (!(reply instanceof Reply.FromNode node) || node.status() < 400 || node.status() >= 500) {
            return reply.toResponse(predictId);
        }
        ErrorBody error;
        try {
            error = json.readValue(node.body(), ErrorBody.class);
        } catch (IOException | RuntimeException e) {
            return reply.toResponse(predictId);
        }
        String at = String.valueOf(index);
        List<ErrorBody.Detail> detail = new ArrayList<>();
        for (ErrorBody.Detail d : error.detail() == null ? List.<ErrorBody.Detail>of() : error.detail()) {
            List<String> loc = new ArrayList<>(List.of("body", "instances", at));
            List<String> rest = d.loc() == null ? List.of() : d.loc();
            loc.addAll(!rest.isEmpty() && rest.getFirst().equals("body") ? rest.subList(1, rest.size()) : rest);
            detail.add(new ErrorBody.Detail(loc, d.msg(), d.type()));
        }
        if (detail.isEmpty()) {
            detail.add(new ErrorBody.Detail(List.of("body", "instances", at), error.message(), "value_error"));
        }
        return DataPlaneResponses.error(node.status(), "Instance " + index + ": " + error.message(), detail,
                predictId).attribute(GatewayObservations.REFUSED_ATTRIBUTE, false); // the node counted it
    }
}
