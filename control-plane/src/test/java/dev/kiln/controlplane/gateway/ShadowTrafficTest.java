package dev.kiln.controlplane.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.controlplane.keys.KeyVerifier;
import dev.kiln.controlplane.node.FleetFixtures;
import dev.kiln.controlplane.node.FleetTestBase;
import dev.kiln.controlplane.node.NodeRegistry;
import dev.kiln.controlplane.node.NodeRepository;
import dev.kiln.controlplane.scheduler.Reconciler;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A shadow version over real HTTP: its copies go out only after the caller's answer, it never answers a caller,
 * and copies beyond the in-flight bound are dropped and counted rather than queued.
 */
@MicronautTest(transactional = false)
class ShadowTrafficTest extends FleetTestBase {

    private static final int MAX_IN_FLIGHT = 2;

    @Inject
    Reconciler reconciler;
    @Inject
    NodeRegistry registry;
    @Inject
    NodeRepository nodes;
    @Inject
    RoutingTable routes;
    @Inject
    VersionRoutes versions;
    @Inject
    KeyVerifier keys;
    @Inject
    ShadowCalls shadows;

    private HttpServer fakeNode;
    private final Map<UUID, String> tagOfInstance = new HashMap<>();
    private final AtomicInteger shadowCopies = new AtomicInteger();
    private volatile CountDownLatch shadowGate = new CountDownLatch(0);
    private UUID deployment;
    private String key;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("kiln.gateway.shadow.max-in-flight", Integer.toString(MAX_IN_FLIGHT));
        return properties;
    }

    @BeforeEach
    void deployWithAShadow() throws IOException {
        tagOfInstance.clear();
        shadowGate = new CountDownLatch(0);
        fakeNode = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeNode.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            UUID instance = UUID.fromString(exchange.getRequestURI().getPath().split("/")[4]);
            String tag = tagOfInstance.get(instance);
            if ("shadow".equals(tag)) {
                shadowCopies.incrementAndGet();
                awaitQuietly(shadowGate);
            }
            byte[] bytes = ("{\"model\":{\"versionTag\":\"" + tag + "\"}}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        fakeNode.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        fakeNode.start();
        UUID project = fixtures.project();
        UUID primary = fixtures.modelVersion(project, new byte[]{1}).id();
        UUID shadow = fixtures.modelVersion(project, new byte[]{2}).id();
        key = fixtures.key(project, null);
        keys.reload();
        NodeCredentials node = FleetFixtures.admit(registry, new NodeRegistration(null, "node-" + UUID.randomUUID(),
                "http://127.0.0.1:" + fakeNode.getAddress().getPort(), null, Map.of(), 4, 1L << 30, List.of(), "test"));
        deployment = fixtures.cpuDeployment(project, primary, 1);
        fixtures.update("UPDATE deployments SET traffic = ?::jsonb WHERE id = ?", "[{\"modelVersionId\":\"" + primary
                + "\",\"weight\":100,\"shadow\":false},{\"modelVersionId\":\"" + shadow
                + "\",\"weight\":100,\"shadow\":true}]", deployment);
        reconciler.runOnce();
        List<UUID> placed = fixtures.column("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment);
        for (UUID instance : placed) {
            boolean isShadow = fixtures.single("SELECT shadow FROM instances WHERE id = ?", Boolean.class, instance);
            tagOfInstance.put(instance, isShadow ? "shadow" : "primary");
        }
        registry.heartbeat(nodes.findById(node.nodeId()).orElseThrow(), new Heartbeat(placed.stream()
                .map(id -> new InstanceReport(id, InstanceStatus.READY, null, 0)).toList(), List.of(), 0, 0, List.of(),
                List.of()));
        routes.refresh();
        versions.refresh();
        assertThat(tagOfInstance.values()).containsExactlyInAnyOrder("primary", "shadow");
    }

    @AfterEach
    void stopFakeNode() {
        shadowGate.countDown();
        fakeNode.stop(0);
    }

    @Test
    void callersGetOnlyThePrimarysAnswerWhileTheShadowGetsACopyOfEveryRequest() {
        int before = shadowCopies.get();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = predict();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"versionTag\":\"primary\"");
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> shadowCopies.get() - before == 10);
    }

    @Test
    void aSlowShadowNeverDelaysTheCallerAndCopiesBeyondTheBoundAreDroppedAndCounted() {
        shadowGate = new CountDownLatch(1); // the shadow holds every copy until released
        long droppedBefore = shadows.droppedCount();

        for (int i = 0; i < MAX_IN_FLIGHT + 3; i++) {
            HttpResponse<String> response = predict();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("primary");
        }

        // Every caller has its answer while the shadow still holds its copies: nobody waited for it.
        assertThat(shadowGate.getCount()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> shadows.inFlight() == MAX_IN_FLIGHT);
        assertThat(shadows.droppedCount() - droppedBefore).isEqualTo(3);
        shadowGate.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> shadows.inFlight() == 0);
    }

    private HttpResponse<String> predict() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/"
                            + deployment + "/predict"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"image_type\":\"url\",\"data\":\"x\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
