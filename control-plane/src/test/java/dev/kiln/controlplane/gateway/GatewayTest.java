package dev.kiln.controlplane.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.controlplane.keys.KeyVerifier;
import dev.kiln.controlplane.node.FleetTestBase;
import dev.kiln.controlplane.node.GatewayTokens;
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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class GatewayTest extends FleetTestBase {

    /** Hand-written on purpose: odd spacing and non-ASCII survive only if the gateway does not re-encode. */
    private static final byte[] BODY = "{ \"image_type\" :\"url\",  \"data\":\"https://example.com/ü.jpg\" }\n"
            .getBytes(StandardCharsets.UTF_8);
    private static final String NODE_ANSWER = "{\"predictId\":\"from-node\",\"predictions\":[]}";

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
    GatewayTokens gatewayTokens;
    @Inject
    Balancer balancer;

    private record Received(String path, Map<String, List<String>> headers, byte[] body) {
    }

    private HttpServer fakeNode;
    private volatile int answerStatus = 200;
    private volatile String answer = NODE_ANSWER;
    private volatile long answerDelayMs;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private UUID project;
    private UUID modelVersion;
    private String key;

    @BeforeEach
    void setUp() throws IOException {
        // One test instance serves every test (PER_CLASS): start each from a clean fake node.
        received.clear();
        answerStatus = 200;
        answer = NODE_ANSWER;
        answerDelayMs = 0;
        fakeNode = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeNode.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                    body));
            sleep(answerDelayMs);
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answerStatus, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            } catch (IOException gatewayGaveUp) {
                // the slow-node test: the gateway has stopped waiting
            }
        });
        fakeNode.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        fakeNode.start();
        project = fixtures.project();
        modelVersion = fixtures.modelVersion(project, new byte[]{1, 2, 3}).id();
        key = fixtures.key(project, null);
        keys.reload();
    }

    @AfterEach
    void stopFakeNode() {
        fakeNode.stop(0);
    }

    @Test
    void gatewayPingIsOpen() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/ping")).GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(fromJson(response.body(), Map.class)).containsEntry("status", "Healthy");
    }

    @Test
    void missingMalformedOrUnknownKeysAre401() {
        UUID deployment = readyDeployment(1).deployment();

        for (String authorization : new String[]{null, "Basic dXNlcjpwYXNz", "Bearer ", "Bearer kiln_unknown",
                "Bearer kiln_" + "A".repeat(43)}) {
            HttpRequest.Builder request = predictRequest(deployment, null);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            assertError(send(request.build()), 401, "Unauthorized");
        }
        assertThat(received).isEmpty();
    }

    @Test
    void unknownDeploymentsAndOtherProjectsDeploymentsAreTheSame404() {
        UUID otherProject = fixtures.project();
        UUID foreign = fixtures.cpuDeployment(otherProject, fixtures.modelVersion(otherProject, new byte[]{4}).id(), 1);
        UUID unknown = UUID.randomUUID();

        ErrorBody foreignError = assertError(send(predictRequest(foreign, key).build()), 404, "NotFound");
        ErrorBody unknownError = assertError(send(predictRequest(unknown, key).build()), 404, "NotFound");
        assertError(send(HttpRequest.newBuilder(uri("/not-a-uuid/predict"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build()), 404, "NotFound");

        assertThat(foreignError.message().replace(foreign.toString(), "ID"))
                .isEqualTo(unknownError.message().replace(unknown.toString(), "ID"));
    }

    @Test
    void aKeyScopedToAnotherDeploymentIs403() {
        UUID deployment = readyDeployment(1).deployment();
        UUID other = fixtures.cpuDeployment(project, modelVersion, 1);
        String scoped = fixtures.key(project, Set.of(other));
        keys.reload();

        ErrorBody error = assertError(send(predictRequest(deployment, scoped).build()), 403, "Forbidden");

        assertThat(error.message()).contains(deployment.toString());
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        UUID deployment = readyDeployment(1).deployment();

        assertError(send(HttpRequest.newBuilder(uri("/" + deployment + "/predict"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build()), 415, "UnsupportedMediaType");
        assertError(send(HttpRequest.newBuilder(uri("/" + deployment + "/predict"))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build()), 415, "UnsupportedMediaType");
    }

    @Test
    void aDeclaredBodyOver20MbIs413BeforeItIsRead() throws IOException {
        UUID deployment = readyDeployment(1).deployment();

        String response = rawPost(deployment, "Content-Length: " + (20 * 1024 * 1024 + 1) + "\r\n", new byte[10]);

        assertRawError(response, 413, "PayloadTooLarge");
        assertThat(received).isEmpty();
    }

    @Test
    void aStreamedBodyOver20MbIs413() throws IOException {
        UUID deployment = readyDeployment(1).deployment();
        // Chunked: no length up front, so the gateway has to count.
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        byte[] chunk = new byte[1024 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        for (int i = 0; i < 21; i++) {
            chunked.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunked.write(chunk);
            chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        String response = rawPost(deployment, "Transfer-Encoding: chunked\r\n", chunked.toByteArray());

        assertRawError(response, 413, "PayloadTooLarge");
        assertThat(received).isEmpty();
    }

    @Test
    void noReadyInstanceIs503WithRetryAfter() {
        UUID deployment = fixtures.cpuDeployment(project, modelVersion, 1);
        routes.refresh();

        HttpResponse<String> response = send(predictRequest(deployment, key).build());
        HttpResponse<String> ping = send(HttpRequest.newBuilder(uri("/" + deployment + "/ping"))
                .header("Authorization", "Bearer " + key).GET().build());

        assertError(response, 503, "ServiceUnavailable");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertError(ping, 503, "ServiceUnavailable");
    }

    @Test
    void theBodyIsForwardedByteForByteWithTheGatewayTokenAndThePredictId() throws Exception {
        Placed placed = readyDeployment(1);

        HttpResponse<String> response = send(predictRequest(placed.deployment(), key).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(NODE_ANSWER);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        String predictId = response.headers().firstValue("X-Predict-Id").orElseThrow();
        Received forwarded = received.poll(5, TimeUnit.SECONDS);
        assertThat(forwarded).isNotNull();
        assertThat(forwarded.body()).isEqualTo(BODY);
        assertThat(forwarded.path()).isEqualTo("/internal/v1/instances/" + placed.instances().getFirst() + "/predict");
        assertThat(forwarded.headers().get("Authorization"))
                .containsExactly("Bearer " + gatewayTokens.tokenFor(placed.nodes().getFirst().nodeId()));
        assertThat(forwarded.headers().get("X-predict-id")).containsExactly(predictId);
        assertThat(UUID.fromString(predictId)).isNotNull();

        HttpResponse<String> ping = send(HttpRequest.newBuilder(uri("/" + placed.deployment() + "/ping"))
                .header("Authorization", "Bearer " + key).GET().build());
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.headers().firstValue("X-Predict-Id")).isPresent();
    }

    @Test
    void theNodesErrorsAreRelayedAsTheyCame() {
        UUID deployment = readyDeployment(1).deployment();
        answerStatus = 400;
        answer = "{\"status\":400,\"error\":\"BadRequest\",\"message\":\"not an image\",\"detail\":[],"
                + "\"predictId\":\"x\"}";

        HttpResponse<String> response = send(predictRequest(deployment, key).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(answer);
        assertThat(response.headers().firstValue("X-Predict-Id")).isPresent();
    }

    @Test
    void aNodeSlowerThanTheDeploymentTimeoutIs504() {
        UUID deployment = readyDeployment(1).deployment();
        fixtures.update("UPDATE deployments SET timeout_ms = 50 WHERE id = ?", deployment);
        routes.refresh();
        answerDelayMs = 3_000;

        assertError(send(predictRequest(deployment, key).build()), 504, "GatewayTimeout");
    }

    @Test
    void anUnreachableInstanceIsRetriedOnAnotherOne() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        Placed placed = readyDeployment(2, List.of("http://127.0.0.1:" + deadPort, fakeNodeAddress()));
        Target live = routes.current(placed.deployment()).orElseThrow().ready().stream()
                .filter(t -> !t.address().endsWith(":" + deadPort)).findFirst().orElseThrow();
        // The live instance looks busier, so the least-outstanding choice goes to the dead one first.
        balancer.started(live);
        try {
            HttpResponse<String> response = send(predictRequest(placed.deployment(), key).build());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(NODE_ANSWER);
            Received forwarded = received.poll(5, TimeUnit.SECONDS);
            assertThat(forwarded).isNotNull();
            assertThat(forwarded.path()).contains(live.instanceId().toString());
            assertThat(forwarded.body()).isEqualTo(BODY);
        } finally {
            balancer.finished(live);
        }
    }

    @Test
    void whenNoInstanceCanBeReachedTheAnswerIs503() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        Placed placed = readyDeployment(1, List.of("http://127.0.0.1:" + deadPort));

        HttpResponse<String> response = send(predictRequest(placed.deployment(), key).build());

        assertError(response, 503, "ServiceUnavailable");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    // --- helpers

    private record Placed(UUID deployment, List<NodeCredentials> nodes, List<UUID> instances) {
    }

    /** A deployment whose instances are READY on the fake node. */
    private Placed readyDeployment(int instances) {
        return readyDeployment(instances, List.of(fakeNodeAddress()));
    }

    /** A deployment spread over one node per address, every instance READY. */
    private Placed readyDeployment(int instances, List<String> addresses) {
        List<NodeCredentials> registered = addresses.stream().map(address -> registry.register(
                new NodeRegistration(null, "node-" + UUID.randomUUID(), address, null, Map.of(), 2, 1L << 30,
                        List.of(), "test"))).toList();
        UUID deployment = fixtures.cpuDeployment(project, modelVersion, instances);
        reconciler.runOnce();
        List<UUID> placed = new java.util.ArrayList<>();
        for (NodeCredentials node : registered) {
            List<UUID> own = fixtures.column("SELECT id FROM instances WHERE node_id = ? AND deployment_id = ?",
                    UUID.class, node.nodeId(), deployment);
            registry.heartbeat(nodes.findById(node.nodeId()).orElseThrow(), new Heartbeat(own.stream()
                    .map(id -> new InstanceReport(id, InstanceStatus.READY, null, 0)).toList(), List.of(), 0, 0));
            placed.addAll(own);
        }
        routes.refresh();
        assertThat(routes.current(deployment).orElseThrow().ready()).hasSize(instances);
        return new Placed(deployment, registered, placed);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String fakeNodeAddress() {
        return "http://127.0.0.1:" + fakeNode.getAddress().getPort();
    }

    private HttpRequest.Builder predictRequest(UUID deployment, String secret) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri("/" + deployment + "/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY));
        if (secret != null) {
            builder.header("Authorization", "Bearer " + secret);
        }
        return builder;
    }

    private ErrorBody assertError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        String predictId = response.headers().firstValue("X-Predict-Id").orElseThrow();
        ErrorBody body = fromJson(response.body(), ErrorBody.class);
        assertThat(body.status()).isEqualTo(status);
        assertThat(body.error()).isEqualTo(error);
        assertThat(body.message()).isNotBlank();
        assertThat(body.predictId()).isEqualTo(predictId);
        return body;
    }

    /** Writes the request on a plain socket (the body may be refused half-way) and returns the raw response. */
    private String rawPost(UUID deployment, String lengthHeader, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /" + deployment + "/predict HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\n" + lengthHeader + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(body);
                    out.flush();
                } catch (IOException refusedHalfWay) {
                    // expected once the gateway has answered and closed
                }
            });
            String response = readResponse(socket.getInputStream());
            writer.interrupt();
            return response;
        }
    }

    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = headers.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private void assertRawError(String response, int status, String error) {
        assertThat(response).startsWith("HTTP/1.1 " + status);
        String predictId = response.lines().filter(l -> l.toLowerCase().startsWith("x-predict-id:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
        ErrorBody body = fromJson(response.substring(response.indexOf("\r\n\r\n") + 4), ErrorBody.class);
        assertThat(body.status()).isEqualTo(status);
        assertThat(body.error()).isEqualTo(error);
        assertThat(body.predictId()).isEqualTo(predictId);
    }
}
