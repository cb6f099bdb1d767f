package dev.kiln.controlplane.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.controlplane.keys.KeyVerifier;
import dev.kiln.controlplane.node.FleetFixtures;
import dev.kiln.controlplane.support.RawHttp;
import dev.kiln.controlplane.node.FleetTestBase;
import dev.kiln.controlplane.node.NodeRegistry;
import dev.kiln.controlplane.node.NodeRepository;
import dev.kiln.controlplane.scheduler.Reconciler;
import dev.kiln.protocol.ErrorBody;
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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's memory bounds (issue 14): a global budget of request bytes in flight (503 + Retry-After beyond)
 * and a cap on one key's calls in progress (429 + Retry-After beyond), against a node that holds every request
 * until the test lets it answer.
 */
@MicronautTest(transactional = false)
class GatewayBoundsTest extends FleetTestBase {

    private static final int MB = 1024 * 1024;
    private static final String NODE_ANSWER = "{\"predictions\":[]}";

    @Inject
    Reconciler reconciler;
    @Inject
    NodeRegistry registry;
    @Inject
    NodeRepository nodes;
    @Inject
    RoutingTable routes;
    @Inject
    KeyVerifier keys;
    @Inject
    Activator activator;

    private HttpServer heldNode;
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile CountDownLatch answer;
    private UUID project;
    private UUID deployment;
    private String key;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("kiln.gateway.inflight-bytes", "3MB");
        properties.put("kiln.gateway.max-concurrent-per-key", "3");
        properties.put("kiln.activation.queue", "2");
        return properties;
    }

    @BeforeEach
    void setUp() throws IOException {
        arrived.set(0);
        answer = new CountDownLatch(1);
        heldNode = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        heldNode.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            arrived.incrementAndGet();
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = NODE_ANSWER.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        heldNode.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        heldNode.start();
        project = fixtures.project();
        key = fixtures.key(project, null);
        keys.reload();
        deployment = readyDeployment();
    }

    @AfterEach
    void stopNode() {
        answer.countDown();
        heldNode.stop(0);
    }

    @Test
    void aBodyThatDoesNotFitBesideTheBodiesHeldIs503WithRetryAfterAndTheBudgetComesBackOnceTheyAreAnswered() {
        String otherKey = fixtures.key(project, null);
        keys.reload();
        CompletableFuture<HttpResponse<String>> first = sendAsync(predict(key, body(1200 * 1024)));
        CompletableFuture<HttpResponse<String>> second = sendAsync(predict(otherKey, body(1200 * 1024)));
        await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == 2);

        HttpResponse<String> refused = send(predict(key, body(1200 * 1024)));

        assertError(refused, 503, "ServiceUnavailable");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(arrived).hasValue(2);
        answer.countDown();
        assertThat(first.join().statusCode()).isEqualTo(200);
        assertThat(second.join().statusCode()).isEqualTo(200);
        assertThat(send(predict(key, body(1200 * 1024))).statusCode()).isEqualTo(200);
    }

    @Test
    void aChunkedBodyIsCutOffWith503OnceItOutgrowsTheBudget() throws IOException {
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        byte[] chunk = new byte[256 * 1024];
        for (int i = 0; i < 12; i++) {
            chunked.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunked.write(chunk);
            chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        String response = rawPost("/" + deployment + "/predict", "Authorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n", chunked.toByteArray());

        assertThat(response).startsWith("HTTP/1.1 503");
        assertThat(response).containsIgnoringCase("Retry-After: 1");
        assertThat(arrived).hasValue(0);
    }

    @Test
    void aKeyWithItsLimitOfCallsInProgressGets429WithRetryAfterWhileOtherKeysAreServed() {
        String otherKey = fixtures.key(project, null);
        keys.reload();
        List<CompletableFuture<HttpResponse<String>>> held = List.of(sendAsync(predict(key, body(10))),
                sendAsync(predict(key, body(10))), sendAsync(predict(key, body(10))));
        await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == 3);

        HttpResponse<String> refused = send(predict(key, body(10)));
        CompletableFuture<HttpResponse<String>> other = sendAsync(predict(otherKey, body(10)));

        ErrorBody error = assertError(refused, 429, "TooManyRequests");
        assertThat(error.message()).contains("3 calls in progress");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == 4);
        answer.countDown();
        held.forEach(call -> assertThat(call.join().statusCode()).isEqualTo(200));
        assertThat(other.join().statusCode()).isEqualTo(200);
        assertThat(send(predict(key, body(10))).statusCode()).isEqualTo(200);
    }

    @Test
    void aTenMegabyteLoginBodyIs413WithoutTheServerReadingIt() throws IOException {
        long started = System.nanoTime();

        String response = rawPost("/api/v1/auth/login", "Content-Type: application/json\r\nContent-Length: "
                + (10 * MB) + "\r\n", "{\"username\":\"".getBytes(StandardCharsets.US_ASCII));

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(fromJson(response.substring(response.indexOf("\r\n\r\n") + 4), ErrorBody.class).status())
                .isEqualTo(413);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aRefusedTenMegabyteBodyClosesTheConnectionInsteadOfBeingDrained() throws IOException {
        RawHttp.Answer answer = RawHttp.headersOnly(server.getPort(), "POST /api/v1/auth/login",
                "Content-Type: application/json\r\nContent-Length: " + (10 * MB) + "\r\n");

        assertThat(answer.response()).startsWith("HTTP/1.1 413").containsIgnoringCase("\r\nConnection: close\r\n");
        assertThat(answer.closed()).isTrue();
    }

    @Test
    void aChunkedRefreshBodyOverTheBufferLimitIs413() throws IOException {
        byte[] chunk = new byte[300 * 1024];
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        chunked.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        chunked.write(chunk);
        chunked.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        String response = rawPost("/api/v1/auth/refresh",
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", chunked.toByteArray());

        assertThat(response).startsWith("HTTP/1.1 413");
    }

    @Test
    void aRequestToADeploymentScaledToZeroIsHeldReportedAsDemandAndAnsweredOnceAnInstanceIsReady() {
        UUID cold = scaledToZero(30_000);
        answer.countDown(); // the node answers at once

        CompletableFuture<HttpResponse<String>> held = sendAsync(predictTo(cold, key, body(1000)));

        await().atMost(Duration.ofSeconds(10)).until(() -> fixtures.column(
                "SELECT held FROM deployment_demand WHERE deployment_id = ?", Integer.class, cold).equals(List.of(1)));
        assertThat(held).isNotDone();
        reconciler.runOnce(); // the leader's autoscaler reads the demand: 0 → 1
        UUID node = fixtures.single("SELECT node_id FROM instances WHERE deployment_id = ?", UUID.class, cold);
        UUID instance = fixtures.single("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, cold);
        registry.heartbeat(nodes.findById(node).orElseThrow(), new Heartbeat(List.of(
                new InstanceReport(instance, InstanceStatus.READY, null, 0)), List.of(), 0, 0, List.of(), List.of()));

        HttpResponse<String> response = held.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(NODE_ANSWER);
        await().atMost(Duration.ofSeconds(10)).until(() -> fixtures.column(
                "SELECT held FROM deployment_demand WHERE deployment_id = ?", Integer.class, cold).isEmpty());
    }

    @Test
    void pastTheActivationQueueA503WithRetryAfterAtOnceAndPastTheTimeoutA503Too() {
        UUID cold = scaledToZero(1500);

        CompletableFuture<HttpResponse<String>> first = sendAsync(predictTo(cold, key, body(1000)));
        CompletableFuture<HttpResponse<String>> second = sendAsync(predictTo(cold, key, body(1000)));
        await().atMost(Duration.ofSeconds(10)).until(() -> fixtures.column(
                "SELECT held FROM deployment_demand WHERE deployment_id = ?", Integer.class, cold).equals(List.of(2)));
        HttpResponse<String> third = send(predictTo(cold, key, body(1000)));

        assertError(third, 503, "ServiceUnavailable");
        assertThat(third.body()).contains("already holds 2 requests");
        assertThat(third.headers().firstValue("Retry-After")).isPresent();
        for (HttpResponse<String> timedOut : List.of(first.join(), second.join())) {
            assertError(timedOut, 503, "ServiceUnavailable");
            assertThat(timedOut.body()).contains("within its timeout of 1500 ms");
            assertThat(timedOut.headers().firstValue("Retry-After")).isPresent();
        }
    }

    /** An autoscaled deployment (min 0) of the project with no instance, known to the gateway as autoscaled. */
    private UUID scaledToZero(int timeoutMs) {
        UUID version = fixtures.modelVersion(project, new byte[]{4, 5, 6}).id();
        UUID cold = fixtures.cpuDeployment(project, version, 1);
        fixtures.autoscale(cold, 0, 2, 1, 60, 0, clock.instant());
        fixtures.update("UPDATE deployments SET timeout_ms = ? WHERE id = ?", timeoutMs, cold);
        keys.reload();
        routes.refresh();
        activator.refreshAutoscaled();
        return cold;
    }

    private HttpRequest predictTo(UUID target, String secret, byte[] body) {
        return HttpRequest.newBuilder(uri("/" + target + "/predict"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + secret)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private UUID readyDeployment() {
        NodeCredentials node = FleetFixtures.admit(registry, new NodeRegistration(null, "node-" + UUID.randomUUID(),
                "http://127.0.0.1:" + heldNode.getAddress().getPort(), null, Map.of(), 2, 1L << 30, List.of(),
                "test"));
        UUID version = fixtures.modelVersion(project, new byte[]{1, 2, 3}).id();
        UUID created = fixtures.cpuDeployment(project, version, 1);
        reconciler.runOnce();
        List<UUID> own = fixtures.column("SELECT id FROM instances WHERE node_id = ? AND deployment_id = ?",
                UUID.class, node.nodeId(), created);
        registry.heartbeat(nodes.findById(node.nodeId()).orElseThrow(), new Heartbeat(own.stream()
                .map(id -> new InstanceReport(id, InstanceStatus.READY, null, 0)).toList(), List.of(), 0, 0,
                List.of(), List.of()));
        routes.refresh();
        assertThat(routes.current(created).orElseThrow().ready()).hasSize(1);
        return created;
    }

    /** A valid JSON predict body of about {@code size} bytes. */
    private static byte[] body(int size) {
        return ("{\"image_type\":\"base64\",\"data\":\"" + "A".repeat(Math.max(0, size - 34)) + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private HttpRequest predict(String secret, byte[] body) {
        return HttpRequest.newBuilder(uri("/" + deployment + "/predict"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + secret)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private ErrorBody assertError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        ErrorBody body = fromJson(response.body(), ErrorBody.class);
        assertThat(body.error()).isEqualTo(error);
        assertThat(body.predictId()).isEqualTo(response.headers().firstValue("X-Predict-Id").orElseThrow());
        return body;
    }

    /** Writes the request on a plain socket (the body may be refused half-way) and returns the raw response. */

    private String rawPost(String path, String headers, byte[] body) throws IOException {
        return RawHttp.send(server.getPort(), "POST " + path, headers, body);
    }
}
