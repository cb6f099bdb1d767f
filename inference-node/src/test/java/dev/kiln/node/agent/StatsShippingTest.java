package dev.kiln.node.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.testing.ManualClock;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestAssignments;
import dev.kiln.node.testing.TestImages;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.Assignments;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.HeartbeatAck;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.InternalPaths;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeSample;
import dev.kiln.protocol.ServingSettings;
import dev.kiln.protocol.StatsWindow;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stats windows cross a control-plane outage: a stand-in control plane refuses heartbeats while the node serves
 * traffic in several windows, then accepts them; every window arrives once, in order, with what was served.
 */
class StatsShippingTest {
    private static final Instant WINDOW_A = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant WINDOW_B = WINDOW_A.plusSeconds(10);
    private final ManualClock clock = new ManualClock(WINDOW_A.plusSeconds(1));
    private final List<Heartbeat> refused = new CopyOnWriteArrayList<>();
    private final List<Heartbeat> accepted = new CopyOnWriteArrayList<>();
    private final JsonMapper json = JsonMapper.createDefault();
    private volatile boolean accepting;
    private volatile Assignments desired = new Assignments(0, List.of());
    private byte[] model;
    private String sha;
    private HttpServer controlPlane;
    private ApplicationContext node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (controlPlane != null) {
            controlPlane.stop(0);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        try (ex) {
            if (path.equals(InternalPaths.REGISTER)) {
                reply(ex, 200, new NodeCredentials(UUID.randomUUID(), "node-secret", "gateway-token", 100));
            } else if (path.endsWith("/heartbeat")) {
                Heartbeat beat = json.readValue(ex.getRequestBody().readAllBytes(), Heartbeat.class);
                if (accepting) {
                    accepted.add(beat);
                    reply(ex, 200, new HeartbeatAck(desired.version()));
                } else {
                    refused.add(beat);
                    reply(ex, 503, Map.of("status", 503));
                }
            } else if (path.endsWith("/assignments")) {
                Thread.sleep(50);
                reply(ex, 200, desired);
            } else if (path.equals(InternalPaths.ARTIFACT.replace("{sha256}", sha))) {
                ex.sendResponseHeaders(200, model.length);
                ex.getResponseBody().write(model);
            } else {
                reply(ex, 404, Map.of("status", 404));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reply(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private int predict(int port, UUID instance, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/internal/v1/instances/" + instance + "/predict"))
                .header("Authorization", "Bearer gateway-token")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static List<StatsWindow> windows(List<Heartbeat> beats, Assignment a) {
        return beats.stream().flatMap(h -> h.windows().stream()).filter(w -> w.source().equals(a.instanceId()))
                .toList();
    }

    @Test
    void windowsServedWhileTheControlPlaneWasAwayArriveOnceInOrderWhenItReturns(@TempDir Path home)
            throws Exception {
        model = Files.readAllBytes(SampleModels.path(SampleModels.SSDLITE));
        sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
        controlPlane = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        controlPlane.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        controlPlane.createContext("/internal/v1/", this::handle);
        controlPlane.start();
        Assignment a = TestAssignments.of(SampleModels.SSDLITE, ServingSettings.defaults());
        a = new Assignment(a.instanceId(), a.deploymentId(), a.modelVersionId(), a.modelName(), a.versionTag(), sha,
                model.length, a.descriptor(), a.gpuIndices(), a.settings());
        desired = new Assignments(1, List.of(a));
        node = ApplicationContext.builder()
                .properties(Map.of(
                        "micronaut.server.port", -1,
                        "kiln.node.control-plane-url", "http://127.0.0.1:" + controlPlane.getAddress().getPort(),
                        "kiln.node.join-token", "join",
                        "kiln.node.home", home.toString(),
                        "kiln.node.gpus", List.of("none"),
                        "kiln.node.stats.collect-every", "20ms"))
                .singletons(clock)
                .start();
        EmbeddedServer server = node.getBean(EmbeddedServer.class).start();
        InstanceManager instances = node.getBean(InstanceManager.class);
        Assignment assigned = a;
        await(() -> instances.find(assigned.instanceId()).map(i -> i.status() == InstanceStatus.READY)
                .orElse(false));
        String image = "{\"image_type\":\"base64\",\"data\":\"" + Base64.getEncoder()
                .encodeToString(TestImages.encode(TestImages.scene(64, 48, 1), "png")) + "\"}";

        // Window A: two predictions and one bad request; window B: one prediction; the control plane refuses all.
        assertThat(predict(server.getPort(), a.instanceId(), image)).isEqualTo(200);
        assertThat(predict(server.getPort(), a.instanceId(), image)).isEqualTo(200);
        assertThat(predict(server.getPort(), a.instanceId(), "{}")).isEqualTo(400);
        clock.advance(Duration.ofSeconds(10));
        assertThat(predict(server.getPort(), a.instanceId(), image)).isEqualTo(200);
        clock.advance(Duration.ofSeconds(10));
        await(() -> !refused.isEmpty() && windows(List.of(refused.getLast()), assigned).size() == 2);

        accepting = true;
        await(() -> accepted.size() >= 5);

        List<StatsWindow> delivered = windows(accepted, a);
        assertThat(delivered).extracting(StatsWindow::start).containsExactly(WINDOW_A, WINDOW_B);
        assertThat(delivered).extracting(StatsWindow::requests).containsExactly(3L, 1L);
        assertThat(delivered).extracting(StatsWindow::errors4xx).containsExactly(1L, 0L);
        assertThat(delivered).allSatisfy(w -> assertThat(w.deploymentId()).isEqualTo(assigned.deploymentId()));
        List<NodeSample> samples = accepted.stream().flatMap(h -> h.samples().stream()).toList();
        assertThat(samples).extracting(NodeSample::start).containsExactly(WINDOW_A, WINDOW_B);
        assertThat(samples).allSatisfy(s -> assertThat(s.memoryBytes()).isPositive());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 90 s");
            }
            Thread.sleep(20);
        }
    }
}
