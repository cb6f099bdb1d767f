package dev.kiln.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.db.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kiln spread over hosts on one machine: the control plane and two inference nodes each bound to an address of its
 * own (127.0.0.10, .11, .12) and told the others' addresses only, as deploy/systemd's environment files and the
 * Kubernetes manifests configure them (KILN_BIND, KILN_NODE_BIND, KILN_NODE_ADDRESS, KILN_CONTROL_PLANE_INTERNAL_URL). Nothing
 * listens on 127.0.0.1 but Postgres, the one shared service, so a registration, heartbeat or forwarded prediction
 * can only arrive over the configured addresses. The management listeners answer the probe paths deploy/k8s uses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiHostEndToEndTest {
    private static final String CONTROL_PLANE_HOST = "127.0.0.10";
    private static final List<String> NODE_HOSTS = List.of("127.0.0.11", "127.0.0.12");
    private static final String JOIN_TOKEN = "multi-host-join-token-0123456789abcdef";
    private static final String JWT_SECRET = "multi-host-jwt-secret-0123456789abcdef0123456789";
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Path DEMO = TestStacks.ROOT.resolve("deploy/demo");

    private EmbeddedDatabase db;
    private final List<AppProcess> apps = new ArrayList<>();
    private final Host controlPlane = new Host("control-plane", CONTROL_PLANE_HOST);
    /** The control plane's internal listener (the node API), on its host's address too. */
    private final int internalPort = AppProcess.freePort();
    private final List<Host> nodes = NODE_HOSTS.stream()
            .map(h -> new Host("node-" + h.substring(h.lastIndexOf('.') + 1), h)).toList();
    private Api api;
    private String deploymentId;

    /** One simulated host: its address and the two ports its app listens on there. */
    record Host(String name, String address, int port, int managementPort) {
        Host(String name, String address) {
            this(name, address, portBelowEphemeralRange(address), portBelowEphemeralRange(address));
        }

        /**
         * A port of this module's block, below the kernel's ephemeral range, free on this address and on 127.0.0.1
         * now. The test JVMs running beside this one (the build runs modules in parallel) take theirs from other
         * blocks, so none of them can be listening on 127.0.0.1 where this test checks that nothing is.
         */
        private static int portBelowEphemeralRange(String address) {
            for (int attempt = 0; attempt < 200; attempt++) {
                // The upper half of this module's block (kiln.test.port-base in e2e/pom.xml); stacks count from its start.
                int port = ThreadLocalRandom.current().nextInt(21_000, 22_000);
                if (free(address, port) && free("127.0.0.1", port)) {
                    return port;
                }
            }
            throw new IllegalStateException("no free port in 21000..21999 on " + address);
        }

        private static boolean free(String address, int port) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(address))) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        String url() {
            return "http://" + address + ":" + port;
        }

        String managementUrl() {
            return "http://" + address + ":" + managementPort;
        }
    }

    @RegisterExtension
    final TestWatcher logsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            apps.forEach(app -> System.err.println("--- " + app.name() + " after " + context.getDisplayName()
                    + " ---\n" + app.logTail()));
        }
    };

    @BeforeAll
    void startHosts() throws IOException {
        Path home = Files.createTempDirectory("kiln-multi-host");
        db = EmbeddedDatabase.startTemporary();
        Path ortCache = TestStacks.ROOT.resolve("target/ort-cache");

        Map<String, String> cp = new HashMap<>();
        cp.put("KILN_BIND", controlPlane.address());
        cp.put("KILN_PORT", String.valueOf(controlPlane.port()));
        cp.put("KILN_MANAGEMENT_PORT", String.valueOf(controlPlane.managementPort()));
        cp.put("KILN_INTERNAL_PORT", String.valueOf(internalPort));
        cp.put("KILN_NODE_ALLOW_LOOPBACK", "true"); // the simulated hosts are loopback addresses
        cp.put("KILN_DB_URL", db.jdbcUrl());
        cp.put("KILN_DB_USER", db.user());
        cp.put("KILN_DB_PASSWORD", db.password());
        cp.put("KILN_JWT_SECRET", JWT_SECRET);
        cp.put("KILN_NODE_TOKEN_KEY", Stack.NODE_TOKEN_KEY);
        cp.put("KILN_JOIN_TOKEN", JOIN_TOKEN);
        cp.put("KILN_ADMIN_EMAIL", Stack.ADMIN_EMAIL);
        cp.put("KILN_ADMIN_PASSWORD", Stack.ADMIN_PASSWORD);
        cp.put("KILN_DATA_DIR", home.resolve(controlPlane.name()).toString());
        cp.put("KILN_ORT_CACHE", ortCache.toString());
        apps.add(AppProcess.start(TestStacks.ROOT, controlPlane.name(), "control-plane",
                        "dev.kiln.controlplane.Application", JVM_OPTIONS, cp, home.resolve("logs/control-plane.log"))
                .awaitHealthy(controlPlane.managementUrl() + "/health", START_TIMEOUT));

        for (Host node : nodes) {
            Map<String, String> env = new HashMap<>();
            env.put("KILN_CONTROL_PLANE_INTERNAL_URL", "http://" + controlPlane.address() + ":" + internalPort);
            env.put("KILN_JOIN_TOKEN", JOIN_TOKEN);
            env.put("KILN_NODE_BIND", node.address());
            env.put("KILN_NODE_PORT", String.valueOf(node.port()));
            env.put("KILN_NODE_MANAGEMENT_PORT", String.valueOf(node.managementPort()));
            env.put("KILN_NODE_ADDRESS", node.url());
            env.put("KILN_NODE_NAME", node.name());
            env.put("KILN_NODE_HOME", home.resolve(node.name()).toString());
            env.put("KILN_ORT_CACHE", ortCache.toString());
            apps.add(AppProcess.start(TestStacks.ROOT, node.name(), "inference-node", "dev.kiln.node.Application",
                            JVM_OPTIONS, env, home.resolve("logs/" + node.name() + ".log"))
                    .awaitHealthy(node.managementUrl() + "/health", START_TIMEOUT));
        }
        api = new Api(controlPlane.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
    }

    @AfterAll
    void stopHosts() {
        apps.reversed().forEach(AppProcess::close);
        if (db != null) {
            db.close();
        }
    }

    @Test
    @Order(1)
    void eachAppListensOnlyOnItsOwnAddress() throws IOException {
        for (Host host : allHosts()) {
            assertAccepts(host.address(), host.port());
            assertAccepts(host.address(), host.managementPort());
            assertRefused("127.0.0.1", host.port());
            assertRefused("127.0.0.1", host.managementPort());
            for (Host other : allHosts()) {
                if (!other.equals(host)) {
                    assertRefused(other.address(), host.port());
                }
            }
        }
    }

    @Test
    @Order(2)
    void bothNodesJoinedWithTheAddressesTheyWereGiven() {
        Set<String> addresses = awaitNodes();
        assertThat(addresses).containsExactlyInAnyOrderElementsOf(nodes.stream().map(Host::url).toList());
    }

    @Test
    @Order(3)
    void aDeploymentSpreadOverBothHostsServesPredictionsThroughTheGateway() throws IOException {
        JsonNode org = api.get("/api/v1/organizations").body().get(0);
        String projectId = api.get("/api/v1/organizations/" + org.get("id").asText() + "/projects").body().get(0)
                .get("id").asText();
        String modelId = api.post("/api/v1/projects/" + projectId + "/models", Map.of("name", "text-detector"))
                .body().get("id").asText();
        Api.Reply version = api.uploadVersion(modelId, DEMO.resolve("ppocr_v4_text_det.onnx"), "v1",
                Files.readString(DEMO.resolve("ppocr_v4_text_det.descriptor.json")));
        assertThat(version.status()).as(version.raw().body()).isIn(200, 201);
        Api.Reply created = api.post("/api/v1/projects/" + projectId + "/deployments", Map.of("name", "spread",
                "modelVersionId", version.body().get("id").asText(), "instances", 2, "resourceType", "CPU"));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        deploymentId = created.body().get("id").asText();
        awaitOnline();

        Set<String> instanceAddresses = new HashSet<>();
        api.get("/api/v1/deployments/" + deploymentId + "/instances").body()
                .forEach(i -> instanceAddresses.add(i.get("nodeAddress").asText()));
        assertThat(instanceAddresses).containsExactlyInAnyOrderElementsOf(nodes.stream().map(Host::url).toList());

        String secret = api.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "multi-host")).body()
                .get("secret").asText();
        String body = Api.json(Map.of("image_type", "base64",
                "data", Base64.getEncoder().encodeToString(Files.readAllBytes(DEMO.resolve("sample.jpg")))));
        for (int i = 0; i < 4; i++) {
            Api.Reply reply = api.raw(HttpRequest.newBuilder(URI.create(controlPlane.url() + "/" + deploymentId + "/predict"))
                    .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
            assertThat(reply.body().get("deploymentId").asText()).isEqualTo(deploymentId);
            assertThat(reply.body().get("predictions")).as("printed words are found as text regions").isNotEmpty();
        }
    }

    @Test
    @Order(4)
    void theManagementListenersAnswerTheProbePathsOfTheManifestsOnEachHostsAddress() {
        for (Host host : allHosts()) {
            for (String path : List.of("/health/liveness", "/health/readiness", "/prometheus")) {
                Api.Reply reply = api.raw(HttpRequest.newBuilder(URI.create(host.managementUrl() + path)).GET());
                assertThat(reply.status()).as(host.name() + " " + path + ": " + reply.raw().body()).isEqualTo(200);
            }
        }
    }

    private List<Host> allHosts() {
        List<Host> all = new ArrayList<>();
        all.add(controlPlane);
        all.addAll(nodes);
        return all;
    }

    private Set<String> awaitNodes() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        Set<String> addresses = new HashSet<>();
        while (Instant.now().isBefore(deadline)) {
            addresses.clear();
            api.get("/api/v1/nodes").body().forEach(n -> addresses.add(n.get("address").asText()));
            if (addresses.size() >= nodes.size()) {
                return addresses;
            }
            AppProcess.sleep(250);
        }
        return addresses;
    }

    private void awaitOnline() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = api.get("/api/v1/deployments/" + deploymentId).body();
            if ("ONLINE".equals(last.get("status").asText()) && last.get("readyInstances").asInt() == 2) {
                return;
            }
            AppProcess.sleep(500);
        }
        throw new AssertionError("deployment not ONLINE with 2 ready instances: " + last);
    }

    private static void assertAccepts(String address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
        }
    }

    private static void assertRefused(String address, int port) {
        assertThatThrownBy(() -> assertAccepts(address, port)).as(address + ":" + port + " is not listened on")
                .isInstanceOf(ConnectException.class);
    }
}
