package dev.kiln.bench.scale;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.InternalPaths;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The internal API of DESIGN §1 as a node speaks it (paths from {@link InternalPaths}), over one HTTP client shared
 * by every simulated node. Records each heartbeat's round trip while {@link #measuring} is on.
 */
final class NodeProtocol {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String joinToken;
    private final ConcurrentLinkedQueue<Long> heartbeatNanos = new ConcurrentLinkedQueue<>();
    private final AtomicLong heartbeatFailures = new AtomicLong();
    private volatile boolean measuring;

    NodeProtocol(String base, String joinToken) {
        this.base = base;
        this.joinToken = joinToken;
    }

    NodeCredentials register(NodeRegistration registration) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + InternalPaths.REGISTER))
                .header(InternalPaths.JOIN_TOKEN_HEADER, joinToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(registration))), Duration.ofSeconds(60));
        if (response == null || response.statusCode() != 200) {
            throw new IllegalStateException("registration of " + registration.name() + " failed: "
                    + (response == null ? "no answer" : response.statusCode() + " " + response.body()));
        }
        return read(response.body(), NodeCredentials.class);
    }

    void heartbeat(NodeCredentials node, Heartbeat heartbeat) {
        long start = System.nanoTime();
        HttpResponse<String> response = send(authed(node, InternalPaths.HEARTBEAT, "")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(heartbeat))), Duration.ofSeconds(30));
        long took = System.nanoTime() - start;
        if (!measuring) {
            return;
        }
        if (response != null && response.statusCode() == 200) {
            heartbeatNanos.add(took);
        } else {
            heartbeatFailures.incrementAndGet();
        }
    }

    /** The long-poll; null when the control plane did not answer. */
    HttpResponse<String> assignments(NodeCredentials node, long after, long waitMs) {
        return send(authed(node, InternalPaths.ASSIGNMENTS, "?after=" + after + "&waitMs=" + waitMs).GET(),
                Duration.ofMillis(waitMs).plusSeconds(30));
    }

    /** Starts a fresh measurement of heartbeat round trips. */
    void startMeasuring() {
        heartbeatNanos.clear();
        heartbeatFailures.set(0);
        measuring = true;
    }

    /** Stops measuring; returns the successful round trips in nanoseconds. */
    long[] stopMeasuring() {
        measuring = false;
        return heartbeatNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    long heartbeatFailures() {
        return heartbeatFailures.get();
    }

    <T> T read(String body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder authed(NodeCredentials node, String template, String query) {
        return HttpRequest.newBuilder(URI.create(base + template.replace("{nodeId}", node.nodeId().toString()) + query))
                .header("Authorization", "Bearer " + node.nodeSecret());
    }

    private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout) {
        try {
            return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
