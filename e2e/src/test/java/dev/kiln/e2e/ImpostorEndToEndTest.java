package dev.kiln.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: a persistent impostor holding only the join token, against a live two-node stack under steady load. It
 * registers under a live node's name with its own address, again whenever refused, and if it ever got in it would
 * heartbeat the node's instances READY so the gateway sends it traffic. It must never get in: no request reaches it,
 * no request fails, and every attempt is in the fleet's audit trail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImpostorEndToEndTest {
    private static final Path CLASSIFIER = sampleModel("mobilenet_v3_small.onnx");
    private static final Duration ATTACK = Duration.ofSeconds(15);

    private Stack stack;
    private Api api;
    private HttpServer impostorServer;
    private final AtomicInteger impostorHits = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();
    private String deploymentId;

    @RegisterExtension
    final StackLogsOnFailure logsOnFailure = new StackLogsOnFailure(() -> stack);

    @BeforeAll
    void startStack() throws Exception {
        stack = TestStacks.create("kiln-impostor");
        stack.startControlPlane().startNode("node-a").startNode("node-b");
        api = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
        impostorServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        impostorServer.createContext("/", exchange -> {
            impostorHits.incrementAndGet();
            try (exchange) {
                exchange.sendResponseHeaders(503, -1);
            }
        });
        impostorServer.start();
    }

    @AfterAll
    void stopStack() {
        if (impostorServer != null) {
            impostorServer.stop(0);
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anImpostorWithOnlyTheJoinTokenNeverTakesOverALiveNodeAndNoRequestFails() throws Exception {
        String secret = onlineDeploymentKey();
        String body = Api.json(Map.of("image_type", "base64",
                "data", Base64.getEncoder().encodeToString(Images.png(Images.scene()))));
        ConcurrentLinkedQueue<Integer> registrations = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<SteadyLoad.Outcome> all;
        List<SteadyLoad.Outcome> failed;
        try (SteadyLoad load = new SteadyLoad(stack.url() + "/" + deploymentId + "/predict", secret, body, 3)
                .awaitSuccesses(20)) {
            long start = System.nanoTime();
            Thread impostor = Thread.ofPlatform().daemon().name("impostor").start(() -> impersonate(registrations,
                    stop));
            AppProcess.sleep(ATTACK.toMillis());
            stop.set(true);
            impostor.join(Duration.ofSeconds(30));
            load.close();
            all = load.sent(t -> t >= start);
            failed = load.failures(t -> t >= start);
        }

        assertThat(all).isNotEmpty();
        assertThat(failed).as("failed calls while the impostor tried").isEmpty();
        assertThat(impostorHits.get()).as("requests that reached the impostor").isZero();
        assertThat(registrations).as("registration attempts").hasSizeGreaterThan(3).containsOnly(409);
        assertThat(api.get("/api/v1/nodes").body().findValuesAsText("address"))
                .noneMatch(address -> address.contains(":" + impostorServer.getAddress().getPort()));
        JsonNode trail = api.get("/api/v1/audit?fleet=true").body().get("items");
        long rows = 0;
        long refused = 0;
        for (JsonNode entry : trail) {
            if ("node.register_refused".equals(entry.get("action").asText())
                    && "node-a".equals(entry.get("detail").get("name").asText())) {
                rows++;
                refused += entry.get("detail").get("count").asLong();
            }
        }
        // Repeated refusals from one address are counted into one row (per 10-minute window): no flood.
        assertThat(rows).as("audit rows of the refused attempts").isEqualTo(1);
        assertThat(refused).as("refused attempts counted on the audit trail").isEqualTo(registrations.size());
    }

    private String onlineDeploymentKey() {
        JsonNode org = api.get("/api/v1/organizations").body().get(0);
        String projectId = api.get("/api/v1/organizations/" + org.get("id").asText() + "/projects").body().get(0)
                .get("id").asText();
        String modelId = api.post("/api/v1/projects/" + projectId + "/models",
                Map.of("name", "mobilenet", "task", "classification")).body().get("id").asText();
        Api.Reply version = api.uploadVersion(modelId, CLASSIFIER, "v1", null);
        assertThat(version.status()).as(version.raw().body()).isIn(200, 201);
        Api.Reply created = api.post("/api/v1/projects/" + projectId + "/deployments", Map.of("name", "classifier",
                "modelVersionId", version.body().get("id").asText(), "instances", 2));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        deploymentId = created.body().get("id").asText();
        api.awaitStatus(deploymentId, "ONLINE");
        Api.Reply key = api.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "impostor-test"));
        assertThat(key.status()).isEqualTo(201);
        return key.body().get("secret").asText();
    }

    /**
     * The impostor: registers as node-a at its own address with the join token, and again whenever refused. Were it
     * admitted, it would report every instance it was assigned READY, so the gateway would route to it.
     */
    private void impersonate(ConcurrentLinkedQueue<Integer> registrations, AtomicBoolean stop) {
        String address = "http://127.0.0.1:" + impostorServer.getAddress().getPort();
        String registration = Api.json(Map.of("name", "node-a", "address", address, "cpuCores", 64,
                "memoryBytes", 1L << 40, "labels", Map.of(), "gpus", List.of(), "version", "impostor"));
        while (!stop.get()) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(
                            URI.create(stack.internalUrl() + "/internal/v1/nodes/register"))
                    .header("Content-Type", "application/json").header("X-Kiln-Join-Token", Stack.JOIN_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(registration)));
            registrations.add(response.statusCode());
            if (response.statusCode() == 200) {
                reportAssignedInstancesReady(response.body(), stop);
            }
            AppProcess.sleep(200);
        }
    }

    private void reportAssignedInstancesReady(String credentials, AtomicBoolean stop) {
        try {
            JsonNode issued = Api.JSON.readTree(credentials);
            String node = stack.internalUrl() + "/internal/v1/nodes/" + issued.get("nodeId").asText();
            String bearer = "Bearer " + issued.get("nodeSecret").asText();
            while (!stop.get()) {
                JsonNode assignments = Api.JSON.readTree(send(HttpRequest.newBuilder(
                        URI.create(node + "/assignments?after=-1&waitMs=0")).header("Authorization", bearer).GET())
                        .body());
                List<Map<String, Object>> ready = new ArrayList<>();
                assignments.path("instances").forEach(i -> ready.add(Map.of("instanceId",
                        i.get("instanceId").asText(), "status", "READY")));
                HttpResponse<String> beat = send(HttpRequest.newBuilder(URI.create(node + "/heartbeat"))
                        .header("Authorization", bearer).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Api.json(Map.of("instances", ready,
                                "gpus", List.of(), "cpuPercent", 0, "memoryBytes", 0)))));
                if (beat.statusCode() != 200) {
                    return; // the real node won the row back: register again
                }
                AppProcess.sleep(500);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Path sampleModel(String file) {
        for (String base : new String[] {"../shared/models", "../../shared/models"}) {
            Path p = Path.of(base, file);
            if (Files.exists(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("sample model " + file + " not found in ../shared/models");
    }
}
