package dev.kiln.node.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.node.runtime.InstanceManager;
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
import dev.kiln.protocol.NodeRegistration;
import dev.kiln.protocol.ServingSettings;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
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
 * The agent against an HTTP server speaking the control plane's side of the internal API (PLAN "Internal API"):
 * registration, heartbeats, long-polled assignments, artifact download, and re-registration when the control plane
 * no longer knows the node's secret. The real control plane is exercised by the end-to-end tests.
 */
class NodeAgentTest {
    private static final String JOIN_TOKEN = "join-secret";
    private final List<NodeRegistration> registrations = new CopyOnWriteArrayList<>();
    private final List<String> registrationTokens = new CopyOnWriteArrayList<>();
    private final List<String> registrationAuthorizations = new CopyOnWriteArrayList<>();
    private final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    private final UUID nodeId = UUID.randomUUID();
    private volatile String secret;
    private volatile Assignments desired = new Assignments(0, List.of());
    private HttpServer controlPlane;
    private JsonMapper json;
    private byte[] model;
    private String sha;
    private ApplicationContext node;

    @BeforeEach
    void startControlPlane() throws Exception {
        model = Files.readAllBytes(SampleModels.path(SampleModels.SSDLITE));
        sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
        controlPlane = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        controlPlane.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        controlPlane.createContext("/internal/v1/", this::handle);
        controlPlane.start();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        controlPlane.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        boolean authorized = secret != null && ("Bearer " + secret).equals(auth);
        try (ex) {
            if (path.equals(InternalPaths.REGISTER)) {
                String token = ex.getRequestHeaders().getFirst(InternalPaths.JOIN_TOKEN_HEADER);
                registrationTokens.add(String.valueOf(token));
                registrationAuthorizations.add(String.valueOf(auth));
                if (!JOIN_TOKEN.equals(token)) {
                    reply(ex, 401, Map.of("status", 401));
                    return;
                }
                registrations.add(json.readValue(ex.getRequestBody().readAllBytes(), NodeRegistration.class));
                secret = "secret-" + registrations.size();
                reply(ex, 200, new NodeCredentials(nodeId, secret, "gateway-token-" + registrations.size(), 200));
            } else if (!authorized) {
                reply(ex, 401, Map.of("status", 401));
            } else if (path.endsWith("/heartbeat")) {
                heartbeats.add(json.readValue(ex.getRequestBody().readAllBytes(), Heartbeat.class));
                reply(ex, 200, new HeartbeatAck(desired.version()));
            } else if (path.endsWith("/assignments")) {
                long after = Long.parseLong(query(ex, "after"));
                long until = System.nanoTime() + Duration.ofMillis(Math.min(500, Long.parseLong(query(ex, "waitMs"))))
                        .toNanos();
                while (desired.version() <= after && System.nanoTime() < until) {
                    sleep(20);
                }
                reply(ex, 200, desired);
            } else if (path.equals(InternalPaths.ARTIFACT.replace("{sha256}", sha))) {
                ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
                ex.sendResponseHeaders(200, model.length);
                ex.getResponseBody().write(model);
            } else {
                reply(ex, 404, Map.of("status", 404));
            }
        }
    }

    private static String query(HttpExchange ex, String name) {
        for (String pair : ex.getRequestURI().getQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new IllegalArgumentException("no " + name);
    }

    private void reply(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private void startNode(Path home) {
        node = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", -1,
                "kiln.node.control-plane-url", "http://127.0.0.1:" + controlPlane.getAddress().getPort(),
                "kiln.node.join-token", JOIN_TOKEN,
                "kiln.node.home", home.toString(),
                "kiln.node.name", "test-node",
                "kiln.node.region", "test-region",
                "kiln.node.gateway-token-grace", "1s",
                "kiln.node.gpus", List.of("Test GPU:1024"))).getApplicationContext();
    }

    @Test
    void joinsServesItsAssignmentsAndRejoinsWhenForgotten(@TempDir Path home) throws Exception {
        json = JsonMapper.createDefault();
        startNode(home);
        json = node.getBean(JsonMapper.class);
        int port = node.getBean(EmbeddedServer.class).getPort();

        await(() -> !registrations.isEmpty());
        NodeRegistration registration = registrations.getFirst();
        assertThat(registrationTokens.getFirst()).isEqualTo(JOIN_TOKEN);
        assertThat(registration.nodeId()).isNull();
        assertThat(registration.name()).isEqualTo("test-node");
        assertThat(registration.address()).isEqualTo("http://127.0.0.1:" + port);
        assertThat(registration.region()).isEqualTo("test-region");
        assertThat(registration.cpuCores()).isPositive();
        assertThat(registration.memoryBytes()).isPositive();
        assertThat(registration.gpus()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("Test GPU");
            assertThat(g.memoryBytes()).isEqualTo(1024L * 1024 * 1024);
        });
        Path credentials = home.resolve("credentials.json");
        await(() -> Files.exists(credentials));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
        assertThat(Files.readString(credentials)).contains(nodeId.toString(), "secret-1")
                .doesNotContain("gateway-token");

        // An assignment is downloaded by hash, loaded, reported READY, and served with the issued gateway token.
        Assignment a = withArtifact(TestAssignments.of(SampleModels.SSDLITE, ServingSettings.defaults()));
        desired = new Assignments(1, List.of(a));
        await(() -> heartbeats.stream().anyMatch(h -> h.instances().stream()
                .anyMatch(r -> r.instanceId().equals(a.instanceId()) && r.status() == InstanceStatus.READY)));
        assertThat(home.resolve("models").resolve(sha + ".onnx")).hasBinaryContent(model);
        assertThat(heartbeats.getLast().memoryBytes()).isPositive();
        assertThat(predict(port, a, "gateway-token-1")).isEqualTo(200);

        // The control plane forgets the node (e.g. its database was reset): the node registers again as itself.
        secret = "forgotten";
        await(() -> registrations.size() >= 2);
        assertThat(registrations.get(1).nodeId()).isEqualTo(nodeId);
        // It presents the credential it held: the join token alone admits new nodes only.
        assertThat(registrationAuthorizations).containsExactly("null", "Bearer secret-1");
        await(() -> {
            try {
                return Files.readString(credentials).contains("secret-2");
            } catch (IOException e) {
                return false;
            }
        });
        // The new registration rotated the gateway token: the new one works, the old one only for the grace (1 s).
        assertThat(Files.readString(credentials)).doesNotContain("gateway-token");
        await(() -> instances().find(a.instanceId()).isPresent());
        assertThat(predict(port, a, "gateway-token-2")).isEqualTo(200);
        await(() -> predict(port, a, "gateway-token-1") == 401);
        assertThat(predict(port, a, "gateway-token-2")).isEqualTo(200);

        // Unassigned: the instance stops being served.
        desired = new Assignments(2, List.of());
        await(() -> instances().find(a.instanceId()).isEmpty());
    }

    private InstanceManager instances() {
        return node.getBean(InstanceManager.class);
    }

    private int predict(int port, Assignment a, String gatewayToken) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + port + "/internal/v1/instances/" + a.instanceId() + "/predict"))
                    .header("Authorization", "Bearer " + gatewayToken)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"image_type\":\"base64\",\"data\":\""
                            + Base64.getEncoder().encodeToString(TestImages.encode(TestImages.scene(64, 48, 1), "png"))
                            + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void savedCredentialsAreReusedWithoutRegistering(@TempDir Path home) throws Exception {
        json = JsonMapper.createDefault();
        secret = "saved-secret";
        Files.writeString(home.resolve("credentials.json"), new String(json.writeValueAsBytes(
                new SavedCredentials(nodeId, "saved-secret",
                        HexFormat.of().formatHex(CredentialsHolder.sha256("saved-token")), 200))));
        startNode(home);
        await(() -> !heartbeats.isEmpty());
        assertThat(registrations).isEmpty();
        assertThat(node.getBean(CredentialsHolder.class).acceptsGatewayToken(CredentialsHolder.sha256("saved-token")))
                .isTrue();
    }

    @Test
    void aCredentialFileFromBeforeHashedTokensStillIdentifiesTheNode(@TempDir Path home) throws Exception {
        json = JsonMapper.createDefault();
        secret = "saved-secret";
        // Written by an older node: the gateway token in plaintext, no hash.
        Files.writeString(home.resolve("credentials.json"), new String(json.writeValueAsBytes(
                new NodeCredentials(nodeId, "saved-secret", "plaintext-token", 200))));
        startNode(home);
        await(() -> !heartbeats.isEmpty());

        assertThat(registrations).isEmpty();
        assertThat(node.getBean(CredentialsHolder.class)
                .acceptsGatewayToken(CredentialsHolder.sha256("plaintext-token"))).isFalse();
    }

    private Assignment withArtifact(Assignment a) {
        return new Assignment(a.instanceId(), a.deploymentId(), a.modelVersionId(), a.modelName(), a.versionTag(), sha,
                model.length, a.descriptor(), a.gpuIndices(), a.settings());
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 90 s");
            }
            sleep(25);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
