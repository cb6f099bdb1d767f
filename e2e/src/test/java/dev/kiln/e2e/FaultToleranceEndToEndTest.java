package dev.kiln.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

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
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults under steady prediction load (issue 5, "Fault tests"), with real processes on loopback: embedded Postgres,
 * two control-plane replicas and three nodes, a CPU deployment of two instances. Postgres stops and returns, a
 * control-plane replica restarts, a node is killed with {@code kill -9}; failed calls are counted, never timed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceEndToEndTest {
    private static final Path CLASSIFIER = sampleModel("mobilenet_v3_small.onnx");
    private static final List<String> NODES = List.of("node-a", "node-b", "node-c");
    /** Shorter than the 15 s default so that a lost node is noticed (and the test waits) a few seconds less. */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(8);
    /** Longer than the heartbeat timeout: the outage outlasts every node's last heartbeat. */
    private static final Duration DATABASE_OUTAGE = HEARTBEAT_TIMEOUT.plusSeconds(3);
    private static final int CONCURRENCY = 3;

    private Stack stack;
    private Api api;
    private String projectId;
    private String versionId;
    private String deploymentId;
    private String keyId;
    private String secret;
    private final String body = Api.json(Map.of("image_type", "base64",
            "data", Base64.getEncoder().encodeToString(Images.png(Images.scene()))));

    @RegisterExtension
    final StackLogsOnFailure logsOnFailure = new StackLogsOnFailure(() -> stack);

    @BeforeAll
    void startStack() throws Exception {
        stack = TestStacks.create("kiln-faults");
        // Nodes talk to the first control plane (stack.url()); the replica is the one restarted.
        stack.withControlPlaneEnv(Map.of("KILN_NODES_HEARTBEAT_TIMEOUT", HEARTBEAT_TIMEOUT.toSeconds() + "s"));
        stack.startControlPlane().startReplica();
        NODES.forEach(stack::startNode);
        api = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aCpuDeploymentOfTwoInstancesComesOnlineOnTwoOfTheThreeNodes() {
        JsonNode org = api.get("/api/v1/organizations").body().get(0);
        projectId = api.get("/api/v1/organizations/" + org.get("id").asText() + "/projects").body().get(0)
                .get("id").asText();
        String modelId = api.post("/api/v1/projects/" + projectId + "/models",
                Map.of("name", "mobilenet", "task", "classification")).body().get("id").asText();
        Api.Reply version = api.uploadVersion(modelId, CLASSIFIER, "v1", null);
        assertThat(version.status()).as(version.raw().body()).isIn(200, 201);
        versionId = version.body().get("id").asText();
        deploymentId = createDeployment("classifier", 2);

        assertThat(api.awaitStatus(deploymentId, "ONLINE").get("readyInstances").asInt()).isEqualTo(2);
        assertThat(instanceNodes(deploymentId)).hasSize(2);
        Api.Reply key = api.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "faults"));
        assertThat(key.status()).isEqualTo(201);
        keyId = key.body().get("id").asText();
        secret = key.body().get("secret").asText();
        awaitServing(stack.url());
        awaitServing(stack.replicaUrl());
    }

    @Test
    @Order(2)
    void predictionsKeepFlowingWhilePostgresIsDownAndEverythingIsThereWhenItReturns() {
        Set<String> instancesBefore = readyInstanceIds(deploymentId);
        Instant restartedAt;
        List<SteadyLoad.Outcome> all;
        List<SteadyLoad.Outcome> failed;
        long down;
        long up;
        try (SteadyLoad load = new SteadyLoad(predictUrl(stack.url()), secret, body, CONCURRENCY).awaitSuccesses(20)) {
            down = System.nanoTime();
            stack.stopDatabase();
            AppProcess.sleep(DATABASE_OUTAGE.toMillis());
            stack.startDatabase();
            up = System.nanoTime();
            restartedAt = Instant.now();
            awaitHeartbeatsAfter(restartedAt);
            AppProcess.sleep(5_000); // and a few rounds of the scheduler with the database back
            load.close();
            all = load.sent(t -> t >= down);
            failed = load.failures(t -> t >= down);
            System.out.printf("Postgres outage: %d calls while it was down, %d after it returned, %d failed%n",
                    load.sent(t -> t >= down && t < up).size(), load.sent(t -> t >= up).size(), failed.size());
        }

        assertThat(all).isNotEmpty();
        assertThat(failed).as("failed calls around the Postgres outage").isEmpty();
        JsonNode deployment = api.get("/api/v1/deployments/" + deploymentId).body();
        assertThat(deployment.get("status").asText()).isEqualTo("ONLINE");
        assertThat(readyInstanceIds(deploymentId)).as("the same instances serve").isEqualTo(instancesBefore);
        assertThat(api.get("/api/v1/projects/" + projectId + "/keys").body().findValuesAsText("id")).contains(keyId);
        String another = createDeployment("after-outage", 1);
        api.awaitStatus(another, "ONLINE");
        delete(another, "after-outage");
    }

    @Test
    @Order(3)
    void predictionsKeepFlowingOnOneReplicaWhileTheOtherRestartsAndTheRestartedOneServesAgain() {
        List<SteadyLoad.Outcome> all;
        List<SteadyLoad.Outcome> failed;
        try (SteadyLoad load = new SteadyLoad(predictUrl(stack.url()), secret, body, CONCURRENCY).awaitSuccesses(20)) {
            long stopped = System.nanoTime();
            stack.stopReplica();
            // Scheduling goes on without the replica, whichever of the two led: a deployment created now is placed.
            String during = createDeployment("during-restart", 1);
            api.awaitStatus(during, "ONLINE");
            delete(during, "during-restart");
            stack.startReplica();
            awaitServing(stack.replicaUrl());
            load.close();
            all = load.sent(t -> t >= stopped);
            failed = load.failures(t -> t >= stopped);
            System.out.printf("Control-plane replica restart: %d calls on the other replica, %d failed%n",
                    all.size(), failed.size());
        }

        assertThat(all).isNotEmpty();
        assertThat(failed).as("failed calls on the surviving replica").isEmpty();
        for (int i = 0; i < 20; i++) {
            Api.Reply reply = predictVia(stack.replicaUrl());
            assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        }
    }

    @Test
    @Order(4)
    void aRolloutUnderSteadyLoadFailsNoRequest() {
        int generation = api.get("/api/v1/deployments/" + deploymentId).body().get("generation").asInt();
        int next;
        List<SteadyLoad.Outcome> all;
        List<SteadyLoad.Outcome> failed;
        try (SteadyLoad load = new SteadyLoad(predictUrl(stack.url()), secret, body, CONCURRENCY).awaitSuccesses(20)) {
            long started = System.nanoTime();
            // A new queue bound needs new sessions: new instances load and become READY before the old ones drain.
            Api.Reply patched = api.patch("/api/v1/deployments/" + deploymentId, Map.of("maxQueue", 48));
            assertThat(patched.status()).as(patched.raw().body()).isEqualTo(200);
            next = patched.body().get("generation").asInt();
            assertThat(next).isGreaterThan(generation);
            awaitInstances(deploymentId, instances -> instances.size() == 2 && instances.stream().allMatch(i ->
                    i.get("generation").asInt() == next && "READY".equals(i.get("status").asText())));
            AppProcess.sleep(3_000); // steady load on the new generation alone
            load.close();
            all = load.sent(t -> t >= started);
            failed = load.failures(t -> t >= started);
            System.out.printf("Rollout to generation %d: %d calls, %d failed%n", next, all.size(), failed.size());
        }

        assertThat(all).isNotEmpty();
        assertThat(failed).as("failed calls during the rollout").isEmpty();
    }

    @Test
    @Order(5)
    void drainingANodeUnderSteadyLoadMovesItsInstanceWithoutAFailedRequest() {
        String drainedId = instanceNodes(deploymentId).iterator().next();
        List<SteadyLoad.Outcome> all;
        List<SteadyLoad.Outcome> failed;
        try (SteadyLoad load = new SteadyLoad(predictUrl(stack.url()), secret, body, CONCURRENCY).awaitSuccesses(20)) {
            long started = System.nanoTime();
            Api.Reply drained = api.post("/api/v1/nodes/" + drainedId + "/drain", Map.of());
            assertThat(drained.status()).as(drained.raw().body()).isEqualTo(200);
            awaitInstances(deploymentId, instances -> instances.size() == 2 && instances.stream().allMatch(i ->
                    "READY".equals(i.get("status").asText()) && !drainedId.equals(i.get("nodeId").asText())));
            AppProcess.sleep(3_000);
            load.close();
            all = load.sent(t -> t >= started);
            failed = load.failures(t -> t >= started);
            System.out.printf("Drain of a node: %d calls, %d failed%n", all.size(), failed.size());
        }

        assertThat(all).isNotEmpty();
        assertThat(failed).as("failed calls while the node drained").isEmpty();
        assertThat(instanceNodes(deploymentId)).hasSize(2).doesNotContain(drainedId);
        // Back in service for the next test, which needs a spare node to replace a killed one.
        assertThat(api.post("/api/v1/nodes/" + drainedId + "/uncordon", Map.of()).status()).isEqualTo(200);
    }

    @Test
    @Order(6)
    void killingANodeUnderLoadFailsAlmostNothingAndNothingOnceItsInstanceIsReplaced() {
        Map<String, String> names = nodeNamesById();
        String victimId = instanceNodes(deploymentId).iterator().next();
        String victim = names.get(victimId);
        long killed;
        long replaced;
        List<SteadyLoad.Outcome> duringFailover;
        List<SteadyLoad.Outcome> failedDuringFailover;
        List<SteadyLoad.Outcome> afterReplacement;
        List<SteadyLoad.Outcome> failedAfterReplacement;
        try (SteadyLoad load = new SteadyLoad(predictUrl(stack.url()), secret, body, CONCURRENCY).awaitSuccesses(20)) {
            killed = System.nanoTime();
            stack.killNode(victim);
            awaitInstances(deploymentId, instances -> instances.size() == 2 && instances.stream().allMatch(i ->
                    "READY".equals(i.get("status").asText()) && !victimId.equals(i.get("nodeId").asText())));
            replaced = System.nanoTime();
            AppProcess.sleep(5_000); // steady load on the replacement
            load.close();
            duringFailover = load.sent(t -> t >= killed && t < replaced);
            failedDuringFailover = load.failures(t -> t >= killed && t < replaced);
            afterReplacement = load.sent(t -> t >= replaced);
            failedAfterReplacement = load.failures(t -> t >= replaced);
        }
        double share = duringFailover.isEmpty() ? 0 : 100.0 * failedDuringFailover.size() / duringFailover.size();
        System.out.printf("kill -9 of %s: instance replaced after %.1f s; during the failover %d of %d calls failed "
                        + "(%.2f%%); after the replacement was READY %d of %d failed%n", victim,
                (replaced - killed) / 1e9, failedDuringFailover.size(), duringFailover.size(), share,
                failedAfterReplacement.size(), afterReplacement.size());

        assertThat(duringFailover).isNotEmpty();
        assertThat(afterReplacement).isNotEmpty();
        assertThat(share).as("failed share during the failover, failures: " + failedDuringFailover).isLessThan(1.0);
        assertThat(failedAfterReplacement).as("failed calls once the replacement was READY").isEmpty();
        assertThat(nodeStates().get(victim)).isEqualTo("LOST");
    }

    // --- helpers ---

    private String createDeployment(String name, int instances) {
        Api.Reply created = api.post("/api/v1/projects/" + projectId + "/deployments",
                Map.of("name", name, "modelVersionId", versionId, "instances", instances));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return created.body().get("id").asText();
    }

    private void delete(String id, String name) {
        assertThat(api.delete("/api/v1/deployments/" + id + "?confirm=" + name).status()).isIn(200, 202, 204);
    }

    private String predictUrl(String gateway) {
        return gateway + "/" + deploymentId + "/predict";
    }

    private Api.Reply predictVia(String gateway) {
        return api.raw(HttpRequest.newBuilder(URI.create(predictUrl(gateway)))
                .header("Authorization", "Bearer " + secret)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The gateway may briefly have no ready instance (503) until its routes are read; anything else fails. */
    private void awaitServing(String gateway) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        Api.Reply reply = predictVia(gateway);
        while (reply.status() == 503 && Instant.now().isBefore(deadline)) {
            AppProcess.sleep(250);
            reply = predictVia(gateway);
        }
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
    }

    private List<JsonNode> instances(String id) {
        List<JsonNode> list = new ArrayList<>();
        api.get("/api/v1/deployments/" + id + "/instances").body().forEach(list::add);
        return list;
    }

    private void awaitInstances(String id, Predicate<List<JsonNode>> condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        List<JsonNode> last = instances(id);
        while (!condition.test(last)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("instances of " + id + " not as expected in time; last seen: " + last);
            }
            AppProcess.sleep(200);
            last = instances(id);
        }
    }

    private Set<String> instanceNodes(String id) {
        Set<String> nodes = new HashSet<>();
        instances(id).forEach(i -> nodes.add(i.get("nodeId").asText()));
        return nodes;
    }

    private Set<String> readyInstanceIds(String id) {
        Set<String> ids = new HashSet<>();
        instances(id).stream().filter(i -> "READY".equals(i.get("status").asText()))
                .forEach(i -> ids.add(i.get("id").asText()));
        return ids;
    }

    private Map<String, String> nodeNamesById() {
        Map<String, String> names = new HashMap<>();
        api.get("/api/v1/nodes").body().forEach(n -> names.put(n.get("id").asText(), n.get("name").asText()));
        return names;
    }

    private Map<String, String> nodeStates() {
        Map<String, String> states = new HashMap<>();
        api.get("/api/v1/nodes").body().forEach(n -> states.put(n.get("name").asText(), n.get("state").asText()));
        return states;
    }

    /** Waits until every node has heartbeated after {@code moment} and is READY: the fleet has caught up. */
    private void awaitHeartbeatsAfter(Instant moment) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (true) {
            Api.Reply nodes = api.get("/api/v1/nodes");
            if (nodes.status() == 200 && nodes.body().size() == NODES.size()) {
                boolean caughtUp = true;
                for (JsonNode n : nodes.body()) {
                    caughtUp &= "READY".equals(n.get("state").asText())
                            && Instant.parse(n.get("lastHeartbeatAt").asText()).isAfter(moment);
                }
                if (caughtUp) {
                    return;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("heartbeats did not resume after Postgres returned: " + nodes.raw().body());
            }
            AppProcess.sleep(250);
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
