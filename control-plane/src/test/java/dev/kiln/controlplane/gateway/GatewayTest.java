package dev.kiln.controlplane.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.keys.KeyVerifier;
import dev.kiln.controlplane.node.FleetFixtures;
import dev.kiln.controlplane.support.RawHttp;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.controlplane.node.FleetTestBase;
import dev.kiln.controlplane.node.Node;
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
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    Balancer balancer;
    @Inject
    Tenants tenants;

    private record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {
    }

    /** What the fake node answers to one request, when a test needs answers that depend on the request. */
    private record Answer(int status, String body) {
    }

    private HttpServer fakeNode;
    private volatile int answerStatus = 200;
    private volatile String answer = NODE_ANSWER;
    private volatile long answerDelayMs;
    private volatile Function<Received, Answer> responder;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private UUID project;
    private UUID modelVersion;
    private String modelName;
    private String key;

    @BeforeEach
    void setUp() throws IOException {
        // One test instance serves every test (PER_CLASS): start each from a clean fake node.
        received.clear();
        answerStatus = 200;
        answer = NODE_ANSWER;
        answerDelayMs = 0;
        responder = null;
        fakeNode = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeNode.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            received.add(request);
            sleep(answerDelayMs);
            Function<Received, Answer> custom = responder;
            Answer reply = custom != null ? custom.apply(request) : new Answer(answerStatus, answer);
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            } catch (IOException gatewayGaveUp) {
                // the slow-node test: the gateway has stopped waiting
            }
        });
        fakeNode.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        fakeNode.start();
        project = fixtures.project();
        FleetFixtures.ModelVersionRow version = fixtures.modelVersion(project, new byte[]{1, 2, 3});
        modelVersion = version.id();
        modelName = version.modelName();
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
    void aNodeThatRegistersAgainIsCalledWithItsNewGatewayTokenOnceReadyAgain() throws Exception {
        Placed placed = readyDeployment(1);
        NodeCredentials before = placed.nodes().getFirst();

        NodeCredentials after = FleetFixtures.admit(registry, new NodeRegistration(before.nodeId(),
                "node-" + UUID.randomUUID(), fakeNodeAddress(), null, Map.of(), 2, 1L << 30, List.of(), "test"),
                before.nodeSecret());
        routes.refresh();
        assertThat(routes.current(placed.deployment()).orElseThrow().ready()).isEmpty();
        registry.heartbeat(nodes.findById(after.nodeId()).orElseThrow(), new Heartbeat(placed.instances().stream()
                .map(id -> new InstanceReport(id, InstanceStatus.READY, null, 0)).toList(), List.of(), 0, 0,
                List.of(), List.of()));
        routes.refresh();
        HttpResponse<String> response = send(predictRequest(placed.deployment(), key).build());

        assertThat(after.gatewayToken()).isNotEqualTo(before.gatewayToken());
        assertThat(response.statusCode()).isEqualTo(200);
        Received forwarded = received.poll(5, TimeUnit.SECONDS);
        assertThat(forwarded).isNotNull();
        assertThat(forwarded.headers().get("Authorization")).containsExactly("Bearer " + after.gatewayToken());
    }

    @Test
    void aNodeWhoseTokenDoesNotOpenWithThisReplicasKeyGetsNoTraffic() {
        Placed placed = readyDeployment(1);

        fixtures.update("UPDATE nodes SET gateway_token_sealed = ? WHERE id = ?",
                "v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", placed.nodes().getFirst().nodeId());
        routes.refresh();
        HttpResponse<String> response = send(predictRequest(placed.deployment(), key).build());

        assertThat(routes.current(placed.deployment()).orElseThrow().ready()).isEmpty();
        assertError(response, 503, "ServiceUnavailable");
        assertThat(received).isEmpty();
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
                .containsExactly("Bearer " + placed.nodes().getFirst().gatewayToken());
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

    // --- rate limits

    @Test
    void aKeyOverItsOwnRateLimitGets429WithRetryAfterAfterItsBurstOfTwiceTheRate() {
        UUID deployment = readyDeployment(1).deployment();
        fixtures.update("UPDATE project_keys SET rate_limit_per_second = 1 WHERE secret_hash = ?",
                Secrets.sha256Hex(key));
        keys.reload();

        // The bucket starts full: a burst of 2 × 1 goes through at once.
        assertThat(send(predictRequest(deployment, key).build()).statusCode()).isEqualTo(200);
        assertThat(send(predictRequest(deployment, key).build()).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = firstRefused(deployment, key);

        ErrorBody error = assertError(limited, 429, "TooManyRequests");
        assertThat(error.message()).contains("1 requests per second");
        assertThat(error.detail()).extracting(ErrorBody.Detail::type).containsExactly("throttling_error");
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theDeploymentsRateLimitIsSharedByEveryKeyThatCallsItWhateverTheKeysOwnLimits() {
        UUID deployment = readyDeployment(1).deployment();
        fixtures.update("UPDATE deployments SET rate_limit_per_second = 1 WHERE id = ?", deployment);
        routes.refresh();
        String generous = fixtures.key(project, null);
        fixtures.update("UPDATE project_keys SET rate_limit_per_second = 1000 WHERE secret_hash = ?",
                Secrets.sha256Hex(generous));
        keys.reload();

        // The deployment's burst of 2 × 1, spent by two keys together.
        assertThat(send(predictRequest(deployment, key).build()).statusCode()).isEqualTo(200);
        assertThat(send(predictRequest(deployment, generous).build()).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = send(predictRequest(deployment, generous).build());

        ErrorBody error = assertError(limited, 429, "TooManyRequests");
        assertThat(error.message()).isEqualTo("Deployment " + deployment
                + " is over its limit of 1 requests per second; retry later.");
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aKeyWithoutALimitOfItsOwnGetsItsProjectsDefaultBeforeTheConfiguredOne() {
        UUID deployment = readyDeployment(1).deployment();
        fixtures.update("UPDATE projects SET default_rate_limit_per_second = 1 WHERE id = ?", project);
        keys.reload();

        HttpResponse<String> limited = firstRefused(deployment, key);

        assertThat(assertError(limited, 429, "TooManyRequests").message()).contains("limit of 1 requests per second");
    }

    @Test
    void eachInstanceOfAKserveV1BatchSpendsOneCallOfTheKeysRate() {
        Placed placed = readyDeployment(1);
        fixtures.update("UPDATE project_keys SET rate_limit_per_second = 1 WHERE secret_hash = ?",
                Secrets.sha256Hex(key));
        keys.reload();

        // A burst of 2 × 1: the batch of 2 takes all of it (one call alone would leave one), so the next call waits.
        HttpResponse<String> batch = send(kserveRequest(placed.deployment(), key, """
                {"instances": [{"image_type":"url","data":"1"}, {"image_type":"url","data":"2"}]}"""));
        HttpResponse<String> next = send(predictRequest(placed.deployment(), key).build());

        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        assertError(next, 429, "TooManyRequests");
    }

    // --- other data-plane endpoints (DESIGN §4.2)

    @Test
    void everyKeyedEndpointRefusesBadKeysForeignDeploymentsAndOutOfScopeKeysAlike() {
        UUID deployment = readyDeployment(1).deployment();
        UUID otherProject = fixtures.project();
        UUID foreign = fixtures.cpuDeployment(otherProject, fixtures.modelVersion(otherProject, new byte[]{5}).id(), 1);
        String scoped = fixtures.key(project, Set.of(foreign));
        keys.reload();
        routes.refresh();

        for (String[] endpoint : KEYED_ENDPOINTS) {
            String label = endpoint[0] + " " + endpoint[1];
            assertError(call(endpoint, deployment, null), 401, "Unauthorized", label);
            assertError(call(endpoint, deployment, "kiln_" + "B".repeat(43)), 401, "Unauthorized", label);
            assertError(call(endpoint, foreign, key), 404, "NotFound", label);
            assertError(call(endpoint, deployment, scoped), 403, "Forbidden", label);
        }
        assertThat(received).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void infoShowsTheQueueBoundTheReadyInstancesApplyWhenTheirNodesMemoryShortensIt() {
        Placed placed = readyDeployment(1);
        UUID instance = placed.instances().getFirst();
        Node node = nodes.findById(placed.nodes().getFirst().nodeId()).orElseThrow();
        // The instance loads again (as after a restart) and reports the bound its node could afford.
        registry.heartbeat(node, new Heartbeat(List.of(new InstanceReport(instance, InstanceStatus.LOADING, null, 0)),
                List.of(), 0, 0, List.of(), List.of()));
        registry.heartbeat(node, new Heartbeat(List.of(new InstanceReport(instance, InstanceStatus.READY, null, 0, 13,
                "heap")), List.of(), 0, 0, List.of(), List.of()));
        routes.refresh();

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/" + placed.deployment() + "/info"))
                .header("Authorization", "Bearer " + key).GET().build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, Object> queue = (Map<String, Object>) fromJson(response.body(), Map.class).get("queue");
        assertThat(queue).containsEntry("maxQueue", 64).containsEntry("effectiveMaxQueue", 13)
                .containsEntry("clampedBy", "heap");
    }

    @Test
    @SuppressWarnings("unchecked")
    void infoDescribesTheDeploymentsModelEvenBeforeAnyInstanceIsReady() {
        UUID deployment = fixtures.cpuDeployment(project, modelVersion, 1);
        routes.refresh();

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/" + deployment + "/info"))
                .header("Authorization", "Bearer " + key).GET().build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Predict-Id")).isPresent();
        Map<String, Object> info = fromJson(response.body(), Map.class);
        assertThat(info).containsEntry("deploymentId", deployment.toString())
                .containsEntry("outputAdapter", "torchvision").containsEntry("readyInstances", 0)
                .containsEntry("labels", Map.of("1", "person"));
        assertThat((Map<String, Object>) info.get("model")).containsEntry("name", modelName)
                .containsEntry("versionTag", "v1").containsEntry("task", "object_detection");
        assertThat((Map<String, Object>) info.get("input")).containsEntry("name", "images")
                .containsEntry("height", 320).containsEntry("layout", "NCHW");
        assertThat((Map<String, Object>) info.get("batching")).containsEntry("maxBatchSize", 1)
                .containsEntry("dynamicBatch", false);
        Map<String, Object> queue = (Map<String, Object>) info.get("queue");
        assertThat(queue).containsEntry("maxQueue", 64);
        assertThat(queue.get("effectiveMaxQueue")).as("no instance has reported its bound yet").isNull();
        assertThat(received).isEmpty();
    }

    @Test
    void kserveV1SendsEachInstanceThroughThePredictPathAndListsTheirPredictionsInOrder() throws Exception {
        Placed placed = readyDeployment(2);
        responder = request -> new Answer(200, "{\"predictId\":\"n\",\"predictions\":[{\"tag\":\""
                + dataOf(request) + "\"}]}");

        HttpResponse<String> response = send(kserveRequest(placed.deployment(), key, """
                {"instances": [{"image_type":"url","data":"first"}, {"image_type":"url","data":"second"},
                               {"image_type":"url","data":"third"}]}"""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(fromJson(response.body(), Map.class)).isEqualTo(Map.of("predictions", List.of(
                List.of(Map.of("tag", "first")), List.of(Map.of("tag", "second")), List.of(Map.of("tag", "third")))));
        String predictId = response.headers().firstValue("X-Predict-Id").orElseThrow();
        for (int i = 0; i < 3; i++) {
            Received forwarded = received.poll(5, TimeUnit.SECONDS);
            assertThat(forwarded).isNotNull();
            assertThat(forwarded.path()).endsWith("/predict");
            assertThat(forwarded.headers().get("X-predict-id")).containsExactly(predictId);
        }
    }

    @Test
    void kserveV1ImageFormsReachTheNodeAsBase64PredictBodies() throws Exception {
        Placed placed = readyDeployment(1);
        HttpResponse<String> response = send(kserveRequest(placed.deployment(), key, """
                {"instances": [{"data":"one"}, {"b64":"two"}, {"image_bytes":{"b64":"three"}}]}"""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Map<String, Object>> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Received forwarded = received.poll(5, TimeUnit.SECONDS);
            assertThat(forwarded).isNotNull();
            bodies.add(fromJson(new String(forwarded.body(), StandardCharsets.UTF_8), Map.class));
        }
        assertThat(bodies).containsExactlyInAnyOrder(Map.of("image_type", "base64", "data", "one"),
                Map.of("image_type", "base64", "data", "two"), Map.of("image_type", "base64", "data", "three"));
    }

    @Test
    void aKserveV1InstancesErrorIsTheAnswerWithItsLocationUnderItsIndex() {
        UUID deployment = readyDeployment(1).deployment();
        responder = request -> dataOf(request).equals("broken")
                ? new Answer(400, "{\"status\":400,\"error\":\"BadRequest\",\"message\":\"not valid base64\","
                + "\"detail\":[{\"loc\":[\"body\",\"data\"],\"msg\":\"not valid base64\","
                + "\"type\":\"value_error.base64\"}],\"predictId\":\"n\"}")
                : new Answer(200, "{\"predictions\":[]}");

        HttpResponse<String> response = send(kserveRequest(deployment, key, """
                {"instances": [{"image_type":"base64","data":"fine"}, {"image_type":"base64","data":"broken"}]}"""));

        ErrorBody error = assertError(response, 400, "BadRequest");
        assertThat(error.message()).contains("Instance 1").contains("not valid base64");
        assertThat(error.detail()).containsExactly(new ErrorBody.Detail(List.of("body", "instances", "1", "data"),
                "not valid base64", "value_error.base64"));
    }

    @Test
    void malformedKserveV1BodiesAre400Or415AndNeverReachANode() {
        UUID deployment = readyDeployment(1).deployment();

        assertThat(assertError(send(kserveRequest(deployment, key, "{\"instances\": []}")), 400, "BadRequest")
                .detail()).extracting(ErrorBody.Detail::loc).containsExactly(List.of("body", "instances"));
        assertThat(assertError(send(kserveRequest(deployment, key, "{\"inputs\": 1}")), 400, "BadRequest")
                .detail()).extracting(ErrorBody.Detail::loc).containsExactly(List.of("body", "instances"));
        assertThat(assertError(send(kserveRequest(deployment, key, "{\"instances\": [{}, 3]}")), 400, "BadRequest")
                .detail()).extracting(ErrorBody.Detail::loc).containsExactly(List.of("body", "instances", "1"));
        assertThat(assertError(send(kserveRequest(deployment, key, "{\"instances\": [")), 400, "BadRequest")
                .detail()).extracting(ErrorBody.Detail::loc).containsExactly(List.of("body"));
        String tooMany = "{\"instances\": [" + String.join(",", java.util.Collections.nCopies(65, "{}")) + "]}";
        assertError(send(kserveRequest(deployment, key, tooMany)), 400, "BadRequest");
        assertError(send(HttpRequest.newBuilder(uri("/v1/models/" + deployment + ":predict"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[{}]}")).build()), 415,
                "UnsupportedMediaType");
        assertError(send(HttpRequest.newBuilder(uri("/v1/models/" + deployment + ":explain"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[{}]}")).build()), 404, "NotFound");
        assertThat(received).isEmpty();
    }

    @Test
    void aRawImageBodyIsSentOnAsABase64PredictBody() throws Exception {
        UUID deployment = readyDeployment(1).deployment();
        byte[] image = new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00, 0x10, 0x7F, (byte) 0x80};

        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/predictions/" + deployment))
                .header("Authorization", "Bearer " + key).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build());
        // curl -T uploads with PUT and no content type.
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri("/predictions/" + deployment))
                .header("Authorization", "Bearer " + key)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(image)).build());

        for (HttpResponse<String> response : List.of(post, put)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(NODE_ANSWER);
            assertThat(response.headers().firstValue("X-Predict-Id")).isPresent();
            Received forwarded = received.poll(5, TimeUnit.SECONDS);
            assertThat(forwarded).isNotNull();
            assertThat(forwarded.path()).endsWith("/predict");
            assertThat(fromJson(new String(forwarded.body(), StandardCharsets.UTF_8), Map.class)).isEqualTo(
                    Map.of("image_type", "base64", "data", Base64.getEncoder().encodeToString(image)));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMultipartFormWithSeveralImagesGetsOneAnswerEachInOrder() throws Exception {
        UUID deployment = readyDeployment(1).deployment();
        responder = request -> new Answer(200, "{\"tag\":\"" + dataOf(request) + "\"}");
        String body = "--b0undary\r\nContent-Disposition: form-data; name=\"data\"; filename=\"a.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\none\r\n--b0undary\r\n"
                + "Content-Disposition: form-data; name=\"data\"; filename=\"b.jpg\"\r\n\r\ntwo\r\n--b0undary--\r\n";

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/predictions/" + deployment))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=b0undary")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Base64.Encoder b64 = Base64.getEncoder();
        assertThat(fromJson(response.body(), Map[].class)).containsExactly(
                Map.of("tag", b64.encodeToString("one".getBytes(StandardCharsets.UTF_8))),
                Map.of("tag", b64.encodeToString("two".getBytes(StandardCharsets.UTF_8))));
        HttpResponse<String> broken = send(HttpRequest.newBuilder(uri("/predictions/" + deployment))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=b0undary")
                .POST(HttpRequest.BodyPublishers.ofString("--b0undary\r\nnever ends")).build());
        assertThat(assertError(broken, 400, "BadRequest").detail()).extracting(ErrorBody.Detail::type)
                .containsExactly("value_error.multipart");
    }

    @Test
    void theVersionedTorchServePathServesOnlyTheDeploymentsCurrentVersion() {
        UUID deployment = readyDeployment(1).deployment();
        String tag = "v1"; // the fixtures' model version

        HttpResponse<String> current = send(HttpRequest.newBuilder(uri("/predictions/" + deployment + "/" + tag))
                .header("Authorization", "Bearer " + key).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[]{1, 2, 3})).build());
        HttpResponse<String> other = send(HttpRequest.newBuilder(uri("/predictions/" + deployment + "/not-" + tag))
                .header("Authorization", "Bearer " + key).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[]{1, 2, 3})).build());

        assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
        assertThat(assertError(other, 404, "NotFound").message()).contains("does not serve version");
    }

    @Test
    void aRawImageOfTheWrongTypeIs415AndAnEmptyOneIs400() {
        UUID deployment = readyDeployment(1).deployment();

        assertError(send(HttpRequest.newBuilder(uri("/predictions/" + deployment))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 415, "UnsupportedMediaType");
        assertError(send(HttpRequest.newBuilder(uri("/predictions/" + deployment))
                .header("Authorization", "Bearer " + key).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.noBody()).build()), 400, "BadRequest");
        assertThat(received).isEmpty();
    }

    @Test
    void aRawImageOver20MbIs413() throws IOException {
        UUID deployment = readyDeployment(1).deployment();

        String response = rawRequest("POST /predictions/" + deployment, "image/jpeg",
                "Content-Length: " + (20 * 1024 * 1024 + 1) + "\r\n", new byte[10]);

        assertRawError(response, 413, "PayloadTooLarge");
        assertThat(received).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void v2HealthIsOpenAndModelReadinessFollowsTheReadyInstances() {
        UUID waiting = fixtures.cpuDeployment(project, modelVersion, 1);
        UUID ready = readyDeployment(1).deployment();

        HttpResponse<String> live = send(HttpRequest.newBuilder(uri("/v2/health/live")).GET().build());
        HttpResponse<String> serverReady = send(HttpRequest.newBuilder(uri("/v2/health/ready")).GET().build());
        HttpResponse<String> modelReady = send(HttpRequest.newBuilder(uri("/v2/models/" + ready + "/ready"))
                .header("Authorization", "Bearer " + key).GET().build());
        HttpResponse<String> modelWaiting = send(HttpRequest.newBuilder(uri("/v2/models/" + waiting + "/ready"))
                .header("Authorization", "Bearer " + key).GET().build());

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(fromJson(live.body(), Map.class)).containsEntry("live", true);
        assertThat(serverReady.statusCode()).isEqualTo(200);
        assertThat(fromJson(serverReady.body(), Map.class)).containsEntry("ready", true);
        assertThat(live.headers().firstValue("X-Predict-Id")).isPresent();
        assertThat(modelReady.statusCode()).isEqualTo(200);
        assertThat(fromJson(modelReady.body(), Map.class)).containsEntry("ready", true)
                .containsEntry("name", ready.toString());
        assertThat(modelReady.headers().firstValue("X-Predict-Id")).isPresent();
        assertError(modelWaiting, 503, "ServiceUnavailable");
        assertThat(modelWaiting.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void v2MetadataANodeAnswersInAnotherShapeIsA502WithTheErrorBodyNotTheNodesBytes() {
        Placed placed = readyDeployment(1);
        List<Answer> strange = List.of(
                new Answer(200, "<html><script>alert(1)</script></html>"),
                new Answer(200, "{\"name\":\"m\",\"versions\":[\"v1\"],\"platform\":\"x\"}"),
                new Answer(200, "{\"name\":\"m\",\"versions\":[],\"platform\":\"x\",\"inputs\":[{\"name\":\"x\"}],"
                        + "\"outputs\":[]}"),
                new Answer(200, "[1,2,3]"),
                new Answer(404, "<h1>Not Found</h1>"),
                new Answer(302, "{\"status\":302,\"error\":\"Found\",\"message\":\"elsewhere\"}"));

        for (Answer answer : strange) {
            responder = request -> answer;
            HttpResponse<String> described = send(HttpRequest.newBuilder(uri("/v2/models/" + placed.deployment()))
                    .header("Authorization", "Bearer " + key).GET().build());

            assertError(described, 502, "BadGateway");
            assertThat(described.body()).as(answer.body()).doesNotContain("html", "alert", "elsewhere");
        }
    }

    @Test
    void v2MetadataIsWrittenAgainByTheGatewayAndANodesErrorBodyKeepsItsStatus() {
        Placed placed = readyDeployment(1);
        responder = request -> new Answer(200, "{\"name\":\"m\",\"versions\":[\"v1\"],\"platform\":\"onnxruntime\","
                + "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[-1,3],\"extra\":\"<b>\"}],"
                + "\"outputs\":[],\"smuggled\":\"<script>\"}");
        HttpResponse<String> described = send(HttpRequest.newBuilder(uri("/v2/models/" + placed.deployment()))
                .header("Authorization", "Bearer " + key).GET().build());
        responder = request -> new Answer(503, "{\"status\":503,\"error\":\"ServiceUnavailable\","
                + "\"message\":\"The instance is busy.\",\"detail\":[]}");
        HttpResponse<String> busy = send(HttpRequest.newBuilder(uri("/v2/models/" + placed.deployment()))
                .header("Authorization", "Bearer " + key).GET().build());

        assertThat(described.statusCode()).isEqualTo(200);
        assertThat(described.body()).isEqualTo("{\"name\":\"m\",\"versions\":[\"v1\"],\"platform\":\"onnxruntime\","
                + "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[-1,3]}],\"outputs\":[]}");
        assertThat(assertError(busy, 503, "ServiceUnavailable").message()).isEqualTo("The instance is busy.");
    }

    @Test
    void v2MetadataAndInferAreAnsweredByAReadyInstancesNode() throws Exception {
        Placed placed = readyDeployment(1);
        String instance = placed.instances().getFirst().toString();
        String token = "Bearer " + placed.nodes().getFirst().gatewayToken();
        String metadata = "{\"name\":\"" + placed.deployment() + "\",\"versions\":[\"v1\"],\"platform\":\"onnxruntime\","
                + "\"inputs\":[],\"outputs\":[]}";
        answer = metadata;

        HttpResponse<String> described = send(HttpRequest.newBuilder(uri("/v2/models/" + placed.deployment()))
                .header("Authorization", "Bearer " + key).GET().build());

        assertThat(described.statusCode()).isEqualTo(200);
        assertThat(described.body()).isEqualTo(metadata);
        Received asked = received.poll(5, TimeUnit.SECONDS);
        assertThat(asked).isNotNull();
        assertThat(asked.method()).isEqualTo("GET");
        assertThat(asked.path()).isEqualTo("/internal/v1/instances/" + instance + "/metadata");
        assertThat(asked.headers().get("Authorization")).containsExactly(token);

        String tensors = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1.5, 2]}]}";
        answer = "{\"model_name\":\"m\",\"outputs\":[]}";
        HttpResponse<String> inferred = send(HttpRequest.newBuilder(uri("/v2/models/" + placed.deployment() + "/infer"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(tensors)).build());

        assertThat(inferred.statusCode()).isEqualTo(200);
        assertThat(inferred.body()).isEqualTo(answer);
        String predictId = inferred.headers().firstValue("X-Predict-Id").orElseThrow();
        Received forwarded = received.poll(5, TimeUnit.SECONDS);
        assertThat(forwarded).isNotNull();
        assertThat(forwarded.method()).isEqualTo("POST");
        assertThat(forwarded.path()).isEqualTo("/internal/v1/instances/" + instance + "/infer");
        assertThat(new String(forwarded.body(), StandardCharsets.UTF_8)).isEqualTo(tensors);
        assertThat(forwarded.headers().get("X-predict-id")).containsExactly(predictId);
    }

    @Test
    void v2InferNeedsJsonAndANodesTensorErrorIsRelayed() {
        UUID deployment = readyDeployment(1).deployment();
        answerStatus = 400;
        answer = "{\"status\":400,\"error\":\"BadRequest\",\"message\":\"bad shape\",\"detail\":[{\"loc\":"
                + "[\"body\",\"inputs\",\"0\",\"shape\"],\"msg\":\"bad shape\",\"type\":\"value_error.tensor\"}],"
                + "\"predictId\":\"x\"}";

        assertError(send(HttpRequest.newBuilder(uri("/v2/models/" + deployment + "/infer"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 415, "UnsupportedMediaType");
        HttpResponse<String> relayed = send(HttpRequest.newBuilder(uri("/v2/models/" + deployment + "/infer"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[]}")).build());

        assertThat(relayed.statusCode()).isEqualTo(400);
        assertThat(relayed.body()).isEqualTo(answer);
        assertThat(relayed.headers().firstValue("X-Predict-Id")).isPresent();
    }

    // --- async predictions

    @Test
    @SuppressWarnings("unchecked")
    void anAsyncPredictionIsAcceptedAtOnceAndItsResultFetchedFromTheResultUrl() throws Exception {
        UUID deployment = readyDeployment(1).deployment();

        HttpResponse<String> accepted = send(asyncRequest(deployment));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        Map<String, Object> body = fromJson(accepted.body(), Map.class);
        String predictId = accepted.headers().firstValue("X-Predict-Id").orElseThrow();
        assertThat(body).containsEntry("predictId", predictId).containsEntry("status", "queued")
                .containsEntry("resultUrl", "/" + deployment + "/predictions/" + predictId);
        HttpResponse<String> result = awaitResult((String) body.get("resultUrl"));
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(NODE_ANSWER);
        assertThat(result.headers().firstValue("X-Predict-Id")).isPresent();
        Received forwarded = received.poll(5, TimeUnit.SECONDS);
        assertThat(forwarded).isNotNull();
        assertThat(forwarded.body()).isEqualTo(BODY);
        assertThat(forwarded.headers().get("X-predict-id")).containsExactly(predictId);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAsyncResultIs202WhileTheNodeIsStillWorking() {
        UUID deployment = readyDeployment(1).deployment();
        answerDelayMs = 5_000;

        HttpResponse<String> accepted = send(asyncRequest(deployment));
        String resultUrl = (String) fromJson(accepted.body(), Map.class).get("resultUrl");
        HttpResponse<String> running = send(HttpRequest.newBuilder(uri(resultUrl))
                .header("Authorization", "Bearer " + key).GET().build());

        assertThat(running.statusCode()).as(running.body()).isEqualTo(202);
        assertThat(fromJson(running.body(), Map.class)).containsEntry("status", "running");
        assertThat(awaitResult(resultUrl).statusCode()).isEqualTo(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void waitSecondsHoldsTheResultRequestUntilTheNodeHasAnswered() {
        UUID deployment = readyDeployment(1).deployment();
        answerDelayMs = 1_500;

        HttpResponse<String> accepted = send(asyncRequest(deployment));
        String resultUrl = (String) fromJson(accepted.body(), Map.class).get("resultUrl");
        HttpResponse<String> waited = send(HttpRequest.newBuilder(uri(resultUrl + "?waitSeconds=20"))
                .header("Authorization", "Bearer " + key).GET().build());

        assertThat(waited.statusCode()).as(waited.body()).isEqualTo(200);
        assertThat(waited.body()).isEqualTo(NODE_ANSWER);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aResultStillRunningAfterWaitSecondsIs408AndABadWaitSecondsIs400() {
        UUID deployment = readyDeployment(1).deployment();
        answerDelayMs = 5_000;

        HttpResponse<String> accepted = send(asyncRequest(deployment));
        String resultUrl = (String) fromJson(accepted.body(), Map.class).get("resultUrl");
        HttpResponse<String> late = send(HttpRequest.newBuilder(uri(resultUrl + "?waitSeconds=1"))
                .header("Authorization", "Bearer " + key).GET().build());

        assertThat(assertError(late, 408, "RequestTimeout").message()).contains("still running");
        for (String bad : List.of("-1", "soon", "1.5")) {
            assertThat(assertError(send(HttpRequest.newBuilder(uri(resultUrl + "?waitSeconds=" + bad))
                    .header("Authorization", "Bearer " + key).GET().build()), 400, "BadRequest").detail())
                    .extracting(ErrorBody.Detail::loc).containsExactly(List.of("query", "waitSeconds"));
        }
        assertThat(awaitResult(resultUrl).statusCode()).isEqualTo(200);
    }

    @Test
    void healthEndpointsAnswerHeadAndOptions() {
        UUID deployment = readyDeployment(1).deployment();
        for (String path : List.of("/ping", "/v2/health/live", "/v2/health/ready", "/" + deployment + "/ping")) {
            HttpResponse<String> head = send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertThat(head.statusCode()).as(path).isEqualTo(200);
            HttpResponse<String> options = send(HttpRequest.newBuilder(uri(path))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
            assertThat(options.statusCode()).as(path).isEqualTo(200);
            assertThat(options.headers().firstValue("Allow")).as(path).contains("GET, HEAD, OPTIONS");
        }
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri("/" + deployment + "/ping"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAsyncPredictionsErrorIsKeptAsItWouldHaveBeenSent() {
        UUID deployment = readyDeployment(1).deployment();
        answerStatus = 400;
        answer = "{\"status\":400,\"error\":\"BadRequest\",\"message\":\"not an image\",\"detail\":[],"
                + "\"predictId\":\"x\"}";

        HttpResponse<String> accepted = send(asyncRequest(deployment));
        HttpResponse<String> result = awaitResult((String) fromJson(accepted.body(), Map.class).get("resultUrl"));

        assertThat(result.statusCode()).isEqualTo(400);
        assertThat(result.body()).isEqualTo(answer);
    }

    @Test
    @SuppressWarnings("unchecked")
    void unknownMalformedOrOtherDeploymentsResultsAre404() {
        UUID deployment = readyDeployment(1).deployment();
        UUID sibling = fixtures.cpuDeployment(project, modelVersion, 1);
        routes.refresh();
        HttpResponse<String> accepted = send(asyncRequest(deployment));
        String predictId = (String) fromJson(accepted.body(), Map.class).get("predictId");

        for (String path : List.of("/" + deployment + "/predictions/" + UUID.randomUUID(),
                "/" + deployment + "/predictions/not-a-uuid", "/" + sibling + "/predictions/" + predictId)) {
            assertError(send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key).GET().build()),
                    404, "NotFound", path);
        }
        assertThat(awaitResult("/" + deployment + "/predictions/" + predictId).statusCode()).isEqualTo(200);
    }


    @Test
    void aMemberEvaluatesWithTheSessionAndTheNodeIsToldItIsEvaluationTraffic() throws Exception {
        Placed placed = readyDeployment(1);
        String member = signIn(project, Role.MEMBER);

        HttpResponse<String> response = send(evaluateRequest(placed.deployment(), member, BODY));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(NODE_ANSWER);
        Received forwarded = received.poll(5, TimeUnit.SECONDS);
        assertThat(forwarded.body()).isEqualTo(BODY);
        assertThat(forwarded.path()).isEqualTo("/internal/v1/instances/" + placed.instances().getFirst() + "/predict");
        assertThat(forwarded.headers().get("X-kiln-traffic")).containsExactly("evaluation");
        assertThat(forwarded.headers().get("X-predict-id"))
                .containsExactly(response.headers().firstValue("X-Predict-Id").orElseThrow());

        assertThat(send(predictRequest(placed.deployment(), key).build()).statusCode()).isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS).headers()).as("production traffic is not marked")
                .doesNotContainKey("X-kiln-traffic");
    }

    @Test
    void anEvaluationBodyLargerThanTheApisRequestBufferStreamsToTheNode() throws Exception {
        UUID deployment = readyDeployment(1).deployment();
        byte[] large = ("{\"image_type\":\"base64\",\"data\":\"" + "A".repeat(200_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(evaluateRequest(deployment, signIn(project, Role.OWNER), large));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS).body()).isEqualTo(large);
    }

    @Test
    void evaluationRefusesAnonymousCallersProjectKeysViewersAndOtherTenantsBeforeAnyNodeSeesIt() {
        UUID deployment = readyDeployment(1).deployment();
        UUID otherProject = fixtures.project();

        assertApiError(send(evaluateRequest(deployment, null, BODY)), 401, "Unauthorized");
        assertApiError(send(evaluateRequest(deployment, key, BODY)), 401, "Unauthorized");
        ErrorBody viewer = assertApiError(send(evaluateRequest(deployment, signIn(project, Role.VIEWER), BODY)),
                403, "Forbidden");
        ErrorBody foreign = assertApiError(send(evaluateRequest(deployment, signIn(otherProject, Role.OWNER), BODY)),
                404, "NotFound");
        ErrorBody unknown = assertApiError(send(evaluateRequest(UUID.randomUUID(), signIn(project, Role.OWNER), BODY)),
                404, "NotFound");

        assertThat(viewer.message()).contains("MEMBER");
        assertThat(foreign.message()).isEqualTo("No deployment " + deployment + ".");
        assertThat(unknown.message()).startsWith("No deployment ");
        assertThat(received).isEmpty();
    }

    @Test
    void evaluationIsHeldToTheProjectsDefaultRateAndTheJsonContentTypeLikePredict() {
        UUID deployment = readyDeployment(1).deployment();
        fixtures.update("UPDATE projects SET default_rate_limit_per_second = 1 WHERE id = ?", project);
        String member = signIn(project, Role.MEMBER);

        assertError(send(HttpRequest.newBuilder(uri("/api/v1/deployments/" + deployment + "/evaluate"))
                .header("Authorization", "Bearer " + member).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build()), 415, "UnsupportedMediaType");
        HttpResponse<String> limited = null;
        for (int i = 0; i < 5 && limited == null; i++) {
            HttpResponse<String> response = send(evaluateRequest(deployment, member, BODY));
            limited = response.statusCode() == 429 ? response : null;
        }

        assertThat(limited).as("refused within the burst of 2 × 1 and a few more").isNotNull();
        assertThat(assertError(limited, 429, "TooManyRequests").message()).contains("limit of 1 requests per second");
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }


    @Test
    void aPreflightFromAnOriginTheProjectAllowsIsAnsweredAndItsCallsGetTheOriginBack() {
        UUID deployment = readyDeployment(1).deployment();
        HttpResponse<String> patched = call("PATCH", "/api/v1/projects/" + project, signIn(project, Role.ADMIN),
                Map.of("allowedOrigins", List.of("HTTPS://App.Example.com:443", "http://localhost:5173")));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(fromJson(patched.body(), Map.class).get("allowedOrigins"))
                .isEqualTo(List.of("https://app.example.com", "http://localhost:5173"));

        HttpResponse<String> preflight = send(preflight("/" + deployment + "/predict", "https://app.example.com"));
        HttpResponse<String> predict = send(predictRequest(deployment, key)
                .header("Origin", "https://app.example.com").build());
        HttpResponse<String> kserve = send(preflight("/v1/models/" + deployment + ":predict", "http://localhost:5173"));

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
                methods -> assertThat(methods).contains("POST", "OPTIONS"));
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(
                headers -> assertThat(headers).contains("Authorization", "Content-Type"));
        assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
        assertThat(preflight.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
        assertThat(predict.statusCode()).isEqualTo(200);
        assertThat(predict.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(predict.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
        assertThat(kserve.statusCode()).isEqualTo(204);
    }

    @Test
    void otherOriginsGetNoCorsHeadersAndNoSuccessfulPreflight() {
        UUID deployment = readyDeployment(1).deployment();
        fixtures.update("UPDATE projects SET allowed_origins = '{https://app.example.com}' WHERE id = ?", project);
        keys.reload();
        UUID otherProject = fixtures.project();
        UUID foreign = fixtures.cpuDeployment(otherProject, fixtures.modelVersion(otherProject, new byte[]{4}).id(), 1);
        routes.refresh();

        for (HttpResponse<String> refused : List.of(
                send(preflight("/" + deployment + "/predict", "https://evil.example.com")),
                send(preflight("/" + deployment + "/predict", "https://app.example.com.evil.com")),
                send(preflight("/" + foreign + "/predict", "https://app.example.com")),
                send(preflight("/" + UUID.randomUUID() + "/predict", "https://app.example.com")))) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(refused.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
        }
        HttpResponse<String> call = send(predictRequest(deployment, key).header("Origin", "https://evil.example.com")
                .build());
        assertThat(call.statusCode()).as("the key still works; only the browser is kept from reading").isEqualTo(200);
        assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(call.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
    }

    @Test
    void allowedOriginsAreChangedByAdminsOnlyAndMustBeBareOrigins() {
        String member = signIn(project, Role.MEMBER);
        String admin = signIn(project, Role.ADMIN);

        HttpResponse<String> byMember = call("PATCH", "/api/v1/projects/" + project, member,
                Map.of("allowedOrigins", List.of("https://app.example.com")));
        HttpResponse<String> bad = call("PATCH", "/api/v1/projects/" + project, admin, Map.of("allowedOrigins",
                List.of("https://ok.example.com", "*", "https://app.example.com/path", "ftp://files.example.com",
                        "https://*.example.com", "app.example.com")));
        HttpResponse<String> anonymous = call("PATCH", "/api/v1/projects/" + project, null,
                Map.of("allowedOrigins", List.of("https://app.example.com")));

        assertApiError(byMember, 403, "Forbidden");
        assertApiError(anonymous, 401, "Unauthorized");
        ErrorBody error = assertApiError(bad, 400, "BadRequest");
        assertThat(error.detail()).extracting(d -> String.join(".", d.loc())).containsExactly(
                "body.allowedOrigins.1", "body.allowedOrigins.2", "body.allowedOrigins.3", "body.allowedOrigins.4",
                "body.allowedOrigins.5");
        assertThat(fixtures.single("SELECT cardinality(allowed_origins) FROM projects WHERE id = ?", Integer.class,
                project)).as("nothing half-written").isZero();
    }

    @Test
    void anOriginAllowedOnAnotherReplicaReachesThisOnesCacheThroughTheNotification() {
        UUID deployment = readyDeployment(1).deployment();
        keys.reload();

        // Another replica's PATCH: only the row changes here, and the trigger notifies the listeners.
        fixtures.update("UPDATE projects SET allowed_origins = '{https://late.example.com}' WHERE id = ?", project);

        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(send(preflight("/" + deployment
                + "/predict", "https://late.example.com")).statusCode()).isEqualTo(204));
    }

    // --- helpers

    private HttpRequest preflight(String path, String origin) {
        return HttpRequest.newBuilder(uri(path)).header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
    }

    /** An access token of a new user with {@code role} in the project's organization. */
    private String signIn(UUID projectId, Role role) {
        UUID organization = fixtures.single("SELECT organization_id FROM projects WHERE id = ?", UUID.class, projectId);
        String email = tenants.user(organization, role).email();
        HttpResponse<String> response = call("POST", "/api/v1/auth/login", null,
                Map.of("username", email, "password", Tenants.PASSWORD));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (String) fromJson(response.body(), Map.class).get("access_token");
    }

    /** The management API's one error body (DESIGN §4.3), which has no predictId before the gateway is reached. */
    private ErrorBody assertApiError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        ErrorBody body = fromJson(response.body(), ErrorBody.class);
        assertThat(body.status()).isEqualTo(status);
        assertThat(body.error()).isEqualTo(error);
        assertThat(body.message()).isNotBlank();
        return body;
    }

    private HttpRequest evaluateRequest(UUID deployment, String token, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri("/api/v1/deployments/" + deployment + "/evaluate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.build();
    }

    private record Placed(UUID deployment, List<NodeCredentials> nodes, List<UUID> instances) {
    }

    /** A deployment whose instances are READY on the fake node. */
    private Placed readyDeployment(int instances) {
        return readyDeployment(instances, List.of(fakeNodeAddress()));
    }

    /** A deployment spread over one node per address, every instance READY. */
    private Placed readyDeployment(int instances, List<String> addresses) {
        List<NodeCredentials> registered = addresses.stream().map(address -> FleetFixtures.admit(registry,
                new NodeRegistration(null, "node-" + UUID.randomUUID(), address, null, Map.of(), 2, 1L << 30,
                        List.of(), "test"))).toList();
        UUID deployment = fixtures.cpuDeployment(project, modelVersion, instances);
        reconciler.runOnce();
        List<UUID> placed = new java.util.ArrayList<>();
        for (NodeCredentials node : registered) {
            List<UUID> own = fixtures.column("SELECT id FROM instances WHERE node_id = ? AND deployment_id = ?",
                    UUID.class, node.nodeId(), deployment);
            registry.heartbeat(nodes.findById(node.nodeId()).orElseThrow(), new Heartbeat(own.stream()
                    .map(id -> new InstanceReport(id, InstanceStatus.READY, null, 0)).toList(), List.of(), 0, 0, List.of(), List.of()));
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
    private void assertRawError(String response, int status, String error) {
        assertThat(response).startsWith("HTTP/1.1 " + status);
        String predictId = response.lines().filter(l -> l.toLowerCase().startsWith("x-predict-id:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
        ErrorBody body = fromJson(response.substring(response.indexOf("\r\n\r\n") + 4), ErrorBody.class);
        assertThat(body.status()).isEqualTo(status);
        assertThat(body.error()).isEqualTo(error);
        assertThat(body.predictId()).isEqualTo(predictId);
    }

    /** Every keyed data-plane endpoint: method, path ({id} replaced), content type, body. */
    private static final String[][] KEYED_ENDPOINTS = {
            {"POST", "/{id}/predict", "application/json", "{}"},
            {"POST", "/{id}/predict?async=true", "application/json", "{}"},
            {"GET", "/{id}/predictions/" + UUID.randomUUID(), null, null},
            {"GET", "/{id}/ping", null, null},
            {"GET", "/{id}/info", null, null},
            {"POST", "/v1/models/{id}:predict", "application/json", "{\"instances\":[{}]}"},
            {"POST", "/predictions/{id}", "image/jpeg", "abc"},
            {"PUT", "/predictions/{id}", null, "abc"},
            {"GET", "/v2/models/{id}", null, null},
            {"GET", "/v2/models/{id}/ready", null, null},
            {"POST", "/v2/models/{id}/infer", "application/json", "{\"inputs\":[]}"}};

    private static final Pattern DATA_FIELD = Pattern.compile("\"data\"\\s*:\\s*\"([^\"]*)\"");

    private HttpResponse<String> call(String[] endpoint, UUID deployment, String secret) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(endpoint[1].replace("{id}", deployment.toString())))
                .method(endpoint[0], endpoint[3] == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(endpoint[3]));
        if (endpoint[2] != null) {
            request.header("Content-Type", endpoint[2]);
        }
        if (secret != null) {
            request.header("Authorization", "Bearer " + secret);
        }
        return send(request.build());
    }

    private void assertError(HttpResponse<String> response, int status, String error, String label) {
        assertThat(response.statusCode()).as(label + ": " + response.body()).isEqualTo(status);
        assertThat(assertError(response, status, error).predictId()).as(label).isNotBlank();
    }

    /** Sends predictions until the first 429; a limited key gets one long before 50 calls. */
    private HttpResponse<String> firstRefused(UUID deployment, String secret) {
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> response = send(predictRequest(deployment, secret).build());
            if (response.statusCode() == 429) {
                return response;
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        throw new AssertionError("no 429 in 50 calls");
    }

    private HttpRequest kserveRequest(UUID deployment, String secret, String body) {
        return HttpRequest.newBuilder(uri("/v1/models/" + deployment + ":predict"))
                .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String dataOf(Received request) {
        Matcher m = DATA_FIELD.matcher(new String(request.body(), StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : "";
    }

    private HttpRequest asyncRequest(UUID deployment) {
        return HttpRequest.newBuilder(uri("/" + deployment + "/predict?async=true"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
    }

    /** Polls the result URL until it is no longer 202 (bounded, so a broken gateway fails rather than hangs). */
    private HttpResponse<String> awaitResult(String resultUrl) {
        for (int i = 0; i < 300; i++) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(resultUrl))
                    .header("Authorization", "Bearer " + key).GET().build());
            if (response.statusCode() != 202) {
                return response;
            }
            sleep(100);
        }
        throw new AssertionError("the result of " + resultUrl + " never arrived");
    }

    private String rawPost(UUID deployment, String lengthHeader, byte[] body) throws IOException {
        return rawRequest("POST /" + deployment + "/predict", "application/json", lengthHeader, body);
    }

    private String rawRequest(String requestLine, String contentType, String lengthHeader, byte[] body)
            throws IOException {
        return RawHttp.send(server.getPort(), requestLine, "Authorization: Bearer " + key + "\r\nContent-Type: "
                + contentType + "\r\n" + lengthHeader, body);
    }
}
