package dev.kiln.node.agent;

import dev.kiln.protocol.Assignments;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.HeartbeatAck;
import dev.kiln.protocol.InternalPaths;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The node's side of the internal API (PLAN "Internal API"), over java.net.http with timeouts on every call. */
class ControlPlaneClient {
    private final String baseUrl;
    private final JsonMapper json;
    private final HttpClient http;
    private final Duration requestTimeout;

    ControlPlaneClient(NodeConfig config, JsonMapper json) {
        String url = config.controlPlaneUrl().trim();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.json = json;
        this.requestTimeout = config.requestTimeout();
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * @param previous the credentials this node held, if any: the control plane re-admits an existing node only
     *                 with its current one (the join token alone admits new nodes)
     */
    NodeCredentials register(NodeRegistration registration, String joinToken, @Nullable NodeCredentials previous)
            throws IOException {
        HttpRequest.Builder request = post(InternalPaths.REGISTER, registration, requestTimeout)
                .header(InternalPaths.JOIN_TOKEN_HEADER, joinToken);
        if (previous != null) {
            request.header("Authorization", "Bearer " + previous.nodeSecret());
        }
        return json.readValue(send(request.build(), "register"), NodeCredentials.class);
    }

    HeartbeatAck heartbeat(NodeCredentials node, Heartbeat heartbeat) throws IOException {
        HttpRequest request = post(nodePath(InternalPaths.HEARTBEAT, node), heartbeat, requestTimeout)
                .header("Authorization", "Bearer " + node.nodeSecret())
                .build();
        return json.readValue(send(request, "heartbeat"), HeartbeatAck.class);
    }

    /** Long poll: the control plane answers at once when its version is past {@code after}, else within {@code wait}. */
    Assignments assignments(NodeCredentials node, long after, Duration wait) throws IOException {
        URI uri = URI.create(baseUrl + nodePath(InternalPaths.ASSIGNMENTS, node) + "?after=" + after + "&waitMs="
                + wait.toMillis());
        HttpRequest request = HttpRequest.newBuilder(uri).GET()
                .timeout(requestTimeout.plus(wait))
                .header("Authorization", "Bearer " + node.nodeSecret())
                .header("Accept", "application/json")
                .build();
        return json.readValue(send(request, "assignments"), Assignments.class);
    }

    /** The model bytes, streamed; the caller closes the stream. */
    InputStream artifact(NodeCredentials node, String sha256) throws IOException {
        URI uri = URI.create(baseUrl + InternalPaths.ARTIFACT.replace("{sha256}", sha256));
        HttpRequest request = HttpRequest.newBuilder(uri).GET()
                .header("Authorization", "Bearer " + node.nodeSecret())
                .build();
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream(), "artifact");
        if (response.statusCode() != 200) {
            String body = new String(response.body().readNBytes(500), StandardCharsets.UTF_8);
            response.body().close();
            throw new ControlPlaneException("artifact " + sha256 + ": HTTP " + response.statusCode() + " " + body,
                    response.statusCode());
        }
        return response.body();
    }

    private HttpRequest.Builder post(String path, Object body, Duration timeout) throws IOException {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
    }

    private static String nodePath(String template, NodeCredentials node) {
        return template.replace("{nodeId}", node.nodeId().toString());
    }

    private byte[] send(HttpRequest request, String what) throws IOException {
        HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray(), what);
        if (response.statusCode() / 100 != 2) {
            String body = new String(response.body(), 0, Math.min(response.body().length, 500), StandardCharsets.UTF_8);
            throw new ControlPlaneException(what + ": HTTP " + response.statusCode() + " " + body,
                    response.statusCode());
        }
        return response.body();
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler, String what)
            throws IOException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlPlaneException(what + ": interrupted", e);
        } catch (IOException e) {
            throw new ControlPlaneException(what + ": " + baseUrl + " unreachable (" + e + ")", e);
        }
    }
}
