package dev.kiln.node.capture;

import dev.kiln.node.agent.CredentialsHolder;
import dev.kiln.node.agent.NodeConfig;
import dev.kiln.protocol.InternalPaths;
import dev.kiln.protocol.NodeCredentials;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Sends one capture to the control plane's internal listener ({@link InternalPaths#CAPTURES}) with the node's
 * credential: a 4-byte length, the metadata JSON, then the image bytes.
 */
@Singleton
class CaptureSender {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureSender.class);

    private final URI uri;
    private final CredentialsHolder credentials;
    private final JsonMapper json;
    private final CaptureConfig config;
    private final HttpClient http;

    CaptureSender(NodeConfig node, CredentialsHolder credentials, JsonMapper json, CaptureConfig config) {
        String base = node.controlPlaneUrl().trim();
        this.uri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + InternalPaths.CAPTURES);
        this.credentials = credentials;
        this.json = json;
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(node.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** @return whether the control plane stored it (false: refused, or the node holds no credential yet) */
    boolean send(PendingCapture capture) throws IOException, InterruptedException {
        Optional<NodeCredentials> node = credentials.current();
        if (node.isEmpty()) {
            return false;
        }
        byte[] meta = json.writeValueAsBytes(capture.metadata());
        byte[] head = ByteBuffer.allocate(4 + meta.length).putInt(meta.length).put(meta).array();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.sendTimeout())
                .header("Authorization", "Bearer " + node.get().nodeSecret())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofByteArray(capture.image()))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            LOG.debug("A capture was refused ({}): {}", response.statusCode(), response.body());
            return false;
        }
        return true;
    }
}
