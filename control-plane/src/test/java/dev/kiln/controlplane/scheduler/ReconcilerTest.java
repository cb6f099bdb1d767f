package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.node.FleetFixtures;
import dev.kiln.controlplane.gateway.RoutingTable;
import dev.kiln.controlplane.gateway.Target;
import dev.kiln.controlplane.node.AssignmentsService;
import dev.kiln.controlplane.node.FleetTestBase;
import dev.kiln.controlplane.node.NodeRegistry;
import dev.kiln.controlplane.node.NodeRepository;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.core.type.Argument;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class ReconcilerTest extends FleetTestBase {

    @Inject
    Reconciler reconciler;
    @Inject
    NodeRegistry registry;
    @Inject
    NodeRepository nodes;
    @Inject
    LeaderLock leader;
    @Inject
    AssignmentsService assignments;
    @Inject
    RoutingTable routes;

    @BeforeEach
    void newLeadership() {
        leader.release(); // each test's first round starts a new stint as leader
    }

    @Test
    void aSilentNodeIsLostAndItsInstanceReplacedOnAnotherNode() {
        NodeCredentials a = register("node-a", List.of());
        UUID deployment = cpuDeployment(1);
        assertThat(reconciler.runOnce()).isTrue();
        UUID first = fixtures.single("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment);
        report(a, first, InstanceStatus.READY);
        long versionOfA = version(a.nodeId());

        // a minute passes and only node-b is heard from: node-a is past the 15 s timeout
        clock.advance(Duration.ofMinutes(1));
        NodeCredentials b = register("node-b", List.of());
        reconciler.runOnce();

        assertThat(fixtures.single("SELECT state FROM nodes WHERE id = ?", String.class, a.nodeId())).isEqualTo("LOST");
        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, first)).isEqualTo("LOST");
        assertThat(version(a.nodeId())).isGreaterThan(versionOfA);
        UUID replacement = fixtures.single(
                "SELECT id FROM instances WHERE deployment_id = ? AND status = 'SCHEDULED'", UUID.class, deployment);
        assertThat(fixtures.single("SELECT node_id FROM instances WHERE id = ?", UUID.class, replacement))
                .isEqualTo(b.nodeId());
        assertThat(deploymentStatus(deployment)).isEqualTo("DEPLOYING");

        report(b, replacement, InstanceStatus.READY);
        reconciler.runOnce();

        assertThat(fixtures.column("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment))
                .containsExactly(replacement);
        assertThat(deploymentStatus(deployment)).isEqualTo("ONLINE");
    }

    @Test
    void readyInstancesMakeTheDeploymentOnlineAndSetOnlineSinceOnce() {
        NodeCredentials a = register("node-a", List.of());
        UUID deployment = cpuDeployment(1);
        reconciler.runOnce();
        assertThat(deploymentStatus(deployment)).isEqualTo("DEPLOYING");
        UUID instance = fixtures.single("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment);

        report(a, instance, InstanceStatus.READY);
        reconciler.runOnce();
        OffsetDateTime onlineSince = fixtures.single("SELECT online_since FROM deployments WHERE id = ?",
                OffsetDateTime.class, deployment);
        report(a, instance, InstanceStatus.LOADING);
        reconciler.runOnce();
        assertThat(deploymentStatus(deployment)).isEqualTo("DEPLOYING");
        report(a, instance, InstanceStatus.READY);
        reconciler.runOnce();

        assertThat(deploymentStatus(deployment)).isEqualTo("ONLINE");
        assertThat(onlineSince).isNotNull().isEqualTo(fixtures.single(
                "SELECT online_since FROM deployments WHERE id = ?", OffsetDateTime.class, deployment));
    }

    @Test
    void aGpuDeploymentWithoutAFreeGpuIsPendingWithTheReason() {
        register("cpu-only", List.of());
        UUID project = fixtures.project();
        var version = fixtures.modelVersion(project, new byte[]{1});
        UUID deployment = fixtures.deployment(project, version.id(), 1, "GPU", null, 1);

        reconciler.runOnce();

        assertThat(deploymentStatus(deployment)).isEqualTo("PENDING");
        assertThat(fixtures.single("SELECT status_reason FROM deployments WHERE id = ?", String.class, deployment))
                .isEqualTo("needs 1 × GPU per instance; no node has a free GPU");
        assertThat(fixtures.column("SELECT id FROM instances", UUID.class)).isEmpty();
    }

    @Test
    void aGpuInstanceGetsItsOwnGpu() {
        NodeCredentials gpuNode = register("gpu-node", List.of(new GpuInfo(0, "NVIDIA L4", 24L << 30, null),
                new GpuInfo(1, "NVIDIA L4", 24L << 30, null)));
        UUID project = fixtures.project();
        var version = fixtures.modelVersion(project, new byte[]{1});
        UUID first = fixtures.deployment(project, version.id(), 1, "GPU", "L4", 1);
        UUID second = fixtures.deployment(project, version.id(), 1, "GPU", "L4", 1);

        reconciler.runOnce();

        List<String> gpus = fixtures.column(
                "SELECT array_to_string(gpu_indices, ',') FROM instances WHERE node_id = ? ORDER BY 1",
                String.class, gpuNode.nodeId());
        assertThat(gpus).containsExactly("0", "1");
        assertThat(deploymentStatus(first)).isEqualTo("DEPLOYING");
        assertThat(deploymentStatus(second)).isEqualTo("DEPLOYING");
    }

    @Test
    void aDeletedDeploymentLosesItsInstancesAndThenItsRow() {
        NodeCredentials a = register("node-a", List.of());
        UUID deployment = cpuDeployment(2);
        reconciler.runOnce();
        assertThat(fixtures.column("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment))
                .hasSize(2);
        long before = version(a.nodeId());

        fixtures.update("UPDATE deployments SET status = 'DELETING' WHERE id = ?", deployment);
        reconciler.runOnce();

        assertThat(fixtures.column("SELECT id FROM instances", UUID.class)).isEmpty();
        assertThat(fixtures.column("SELECT id FROM deployments", UUID.class)).isEmpty();
        assertThat(version(a.nodeId())).isGreaterThan(before);
    }

    @Test
    void onlyTheReplicaHoldingTheAdvisoryLockReconciles() throws Exception {
        assertThat(reconciler.runOnce()).isTrue();
        try (Connection other = DelegatingDataSource.unwrapDataSource(dataSource).getConnection()) {
            assertThat(tryLock(other)).isFalse(); // this replica holds it

            leader.release();
            assertThat(tryLock(other)).isTrue(); // another replica takes over
            assertThat(reconciler.runOnce()).isFalse();

            unlock(other);
        }
        assertThat(reconciler.runOnce()).isTrue();
    }

    @Test
    void aNewLeaderListensForOneTimeoutBeforeItDeclaresNodesLost() {
        clock.freeze();
        NodeCredentials a = register("node-a", List.of());
        UUID deployment = cpuDeployment(1);
        reconciler.runOnce();
        UUID instance = fixtures.single("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment);
        report(a, instance, InstanceStatus.READY);

        // The control plane (or Postgres) was away for a minute: no heartbeat could land, and the lock was lost.
        leader.release();
        clock.advance(Duration.ofMinutes(1));
        reconciler.runOnce();

        assertThat(nodeState(a)).isEqualTo("READY");
        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, instance))
                .isEqualTo("READY");

        // node-a is heard from in time and stays; node-b, silent for a whole timeout of this leader, is LOST
        NodeCredentials b = register("node-b", List.of());
        clock.advance(Duration.ofSeconds(10));
        report(a, instance, InstanceStatus.READY);
        reconciler.runOnce();
        assertThat(nodeState(a)).isEqualTo("READY");
        assertThat(nodeState(b)).isEqualTo("READY");
        clock.advance(Duration.ofSeconds(10));
        reconciler.runOnce();
        assertThat(nodeState(a)).isEqualTo("READY");
        assertThat(nodeState(b)).isEqualTo("LOST");
    }

    @Test
    void aGpuDeploymentThatDoesNotFitSaysWhatIsMissingAndIsPlacedWhenCapacityAppears() {
        register("node-a", List.of(new GpuInfo(0, "NVIDIA H100 80GB HBM3", 80L << 30, null)));
        register("node-b", List.of(new GpuInfo(0, "NVIDIA H100 80GB HBM3", 80L << 30, null),
                new GpuInfo(1, "NVIDIA L4", 24L << 30, null)));
        UUID project = fixtures.project();
        var version = fixtures.modelVersion(project, new byte[]{1});
        UUID deployment = fixtures.deployment(project, version.id(), 1, "GPU", "H100-80GB", 2);

        reconciler.runOnce();

        assertThat(deploymentStatus(deployment)).isEqualTo("PENDING");
        assertThat(fixtures.single("SELECT status_reason FROM deployments WHERE id = ?", String.class, deployment))
                .isEqualTo("needs 2 × H100-80GB per instance; the largest free is 1 on node-a");

        NodeCredentials big = register("node-c", List.of(new GpuInfo(0, "NVIDIA H100 80GB HBM3", 80L << 30, null),
                new GpuInfo(1, "NVIDIA H100 80GB HBM3", 80L << 30, null)));
        reconciler.runOnce();

        assertThat(fixtures.single("SELECT node_id FROM instances WHERE deployment_id = ?", UUID.class, deployment))
                .isEqualTo(big.nodeId());
        assertThat(fixtures.single("SELECT array_to_string(gpu_indices, ',') FROM instances WHERE deployment_id = ?",
                String.class, deployment)).isEqualTo("0,1");
        assertThat(deploymentStatus(deployment)).isEqualTo("DEPLOYING");
    }

    @Test
    void aNodeBackFromLostKeepsWhatItStillOwnsAndDropsWhatWasReplaced() {
        NodeCredentials a = register("node-a", List.of());
        UUID kept = cpuDeployment(1);
        UUID replaced = cpuDeployment(1);
        reconciler.runOnce();
        UUID keptOnA = instanceOf(kept);
        UUID replacedOnA = instanceOf(replaced);
        heartbeat(a, Map.of(keptOnA, InstanceStatus.READY, replacedOnA, InstanceStatus.READY));

        clock.advance(Duration.ofMinutes(1)); // node-a is cut off; node-b takes over
        NodeCredentials b = register("node-b", List.of());
        reconciler.runOnce();
        assertThat(nodeState(a)).isEqualTo("LOST");
        UUID replacementOfReplaced = fixtures.single(
                "SELECT id FROM instances WHERE deployment_id = ? AND node_id = ?", UUID.class, replaced, b.nodeId());
        heartbeat(b, Map.of(replacementOfReplaced, InstanceStatus.READY));
        reconciler.runOnce(); // that replacement is READY: the LOST copy is forgotten
        assertThat(fixtures.column("SELECT id FROM instances WHERE id = ?", UUID.class, replacedOnA)).isEmpty();

        // node-a is heard from again, still serving both
        heartbeat(a, Map.of(keptOnA, InstanceStatus.READY, replacedOnA, InstanceStatus.READY));

        assertThat(nodeState(a)).isEqualTo("READY");
        assertThat(assignments.load(a.nodeId()).instances()).extracting(Assignment::instanceId)
                .containsExactly(keptOnA);
        // no traffic before the node confirms it still serves it
        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, keptOnA))
                .isEqualTo("LOADING");

        heartbeat(a, Map.of(keptOnA, InstanceStatus.READY));
        reconciler.runOnce();

        assertThat(fixtures.column("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, kept))
                .containsExactly(keptOnA);
        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, keptOnA))
                .isEqualTo("READY");
        assertThat(deploymentStatus(kept)).isEqualTo("ONLINE");
    }

    @Test
    void aLostGpuInstanceWhoseGpuWentToAnotherInstanceIsNotReclaimed() {
        GpuInfo l4 = new GpuInfo(0, "NVIDIA L4", 24L << 30, null);
        NodeCredentials a = register("node-a", List.of(l4));
        UUID project = fixtures.project();
        var version = fixtures.modelVersion(project, new byte[]{1});
        UUID deployment = fixtures.deployment(project, version.id(), 1, "GPU", "L4", 1);
        reconciler.runOnce();
        UUID lostOne = instanceOf(deployment);
        heartbeat(a, Map.of(lostOne, InstanceStatus.READY));
        clock.advance(Duration.ofMinutes(1));
        reconciler.runOnce();
        assertThat(nodeState(a)).isEqualTo("LOST");

        // node-a re-registers with its credential (a new process) and its only GPU goes to the replacement
        FleetFixtures.admit(registry, new NodeRegistration(a.nodeId(), "node-a", "http://127.0.0.1:1", null, Map.of(),
                4, 8L << 30, List.of(l4), "test"), a.nodeSecret());
        reconciler.runOnce();
        UUID replacement = fixtures.single("SELECT id FROM instances WHERE deployment_id = ? AND status = 'SCHEDULED'",
                UUID.class, deployment);
        heartbeat(a, Map.of(lostOne, InstanceStatus.READY, replacement, InstanceStatus.LOADING));

        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, lostOne))
                .isEqualTo("LOST");
        assertThat(assignments.load(a.nodeId()).instances()).extracting(Assignment::instanceId)
                .containsExactly(replacement);
    }

    @Test
    void scalingDownStopsRoutingFirstAndRemovesTheInstanceAfterTheDrainGrace() {
        NodeCredentials a = register("node-a", List.of());
        NodeCredentials b = register("node-b", List.of());
        UUID deployment = cpuDeployment(2);
        reconciler.runOnce();
        UUID onA = fixtures.single("SELECT id FROM instances WHERE node_id = ?", UUID.class, a.nodeId());
        UUID onB = fixtures.single("SELECT id FROM instances WHERE node_id = ?", UUID.class, b.nodeId());
        heartbeat(a, Map.of(onA, InstanceStatus.READY));
        heartbeat(b, Map.of(onB, InstanceStatus.READY));
        reconciler.runOnce();

        fixtures.update("UPDATE deployments SET instances = 1, updated_at = ? WHERE id = ?",
                Timestamp.from(clock.instant()), deployment);
        reconciler.runOnce();
        routes.refresh();

        UUID draining = fixtures.single("SELECT id FROM instances WHERE status = 'DRAINING'", UUID.class);
        UUID remaining = draining.equals(onA) ? onB : onA;
        UUID drainingNode = draining.equals(onA) ? a.nodeId() : b.nodeId();
        assertThat(routes.current(deployment).orElseThrow().ready()).extracting(Target::instanceId)
                .containsExactly(remaining);
        // the node keeps it, finishing what is in flight, until the grace is over
        assertThat(assignments.load(drainingNode).instances()).extracting(Assignment::instanceId)
                .containsExactly(draining);
        long before = version(drainingNode);

        clock.advance(Duration.ofSeconds(6));
        reconciler.runOnce();

        assertThat(fixtures.column("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment))
                .containsExactly(remaining);
        assertThat(version(drainingNode)).isGreaterThan(before);
        assertThat(assignments.load(drainingNode).instances()).isEmpty();
        assertThat(deploymentStatus(deployment)).isEqualTo("ONLINE");
    }

    @Test
    void anInstanceThatFailsToLoadIsFailedWithTheErrorAndRetriedWithBackoff() {
        clock.freeze();
        NodeCredentials a = register("node-a", List.of());
        UUID project = fixtures.project();
        fixtures.update("""
                INSERT INTO memberships (organization_id, user_id, role, created_at)
                SELECT p.organization_id, u.id, 'VIEWER', now() FROM projects p, users u
                WHERE p.id = ? AND lower(u.email) = ?""", project, ADMIN_EMAIL);
        var version = fixtures.modelVersion(project, new byte[]{1, 2});
        UUID deployment = fixtures.cpuDeployment(project, version.id(), 1);
        reconciler.runOnce();
        UUID first = instanceOf(deployment);
        String error = "Load model failed: Protobuf parsing failed";
        failed(a, first, error);
        reconciler.runOnce();
        String token = login();

        assertThat(instancesOf(deployment, token)).singleElement().satisfies(instance -> assertThat(instance)
                .containsEntry("id", first.toString()).containsEntry("status", "FAILED")
                .containsEntry("error", error));
        assertThat(fromJson(call("GET", "/api/v1/deployments/" + deployment, token, null).body(), Map.class))
                .containsEntry("status", "FAILED").containsEntry("statusReason", error);

        clock.advance(Duration.ofSeconds(4)); // the first retry waits 5 s
        reconciler.runOnce();
        assertThat(instanceOf(deployment)).isEqualTo(first);

        clock.advance(Duration.ofSeconds(2));
        reconciler.runOnce();

        UUID second = instanceOf(deployment);
        assertThat(second).isNotEqualTo(first);
        assertThat(instancesOf(deployment, token)).singleElement().satisfies(instance -> assertThat(instance)
                .containsEntry("id", second.toString()).containsEntry("status", "SCHEDULED")
                .containsEntry("error", error));

        failed(a, second, error); // the second failure waits twice as long
        clock.advance(Duration.ofSeconds(6));
        reconciler.runOnce();
        assertThat(instanceOf(deployment)).isEqualTo(second);
        clock.advance(Duration.ofSeconds(5));
        reconciler.runOnce();
        assertThat(instanceOf(deployment)).isNotEqualTo(second);
        assertThat(fixtures.single("SELECT attempts FROM instances WHERE deployment_id = ?", Integer.class,
                deployment)).isEqualTo(2);
    }

    // --- helpers

    private List<Map<String, Object>> instancesOf(UUID deployment, String token) {
        HttpResponse<String> response = call("GET", "/api/v1/deployments/" + deployment + "/instances", token, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        try {
            return json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private UUID instanceOf(UUID deployment) {
        return fixtures.single("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment);
    }

    private void heartbeat(NodeCredentials node, Map<UUID, InstanceStatus> reports) {
        registry.heartbeat(nodes.findById(node.nodeId()).orElseThrow(), new Heartbeat(reports.entrySet().stream()
                .map(e -> new InstanceReport(e.getKey(), e.getValue(), null, 0)).toList(), null, 0, 0, List.of(),
                List.of()));
    }

    private void failed(NodeCredentials node, UUID instance, String error) {
        registry.heartbeat(nodes.findById(node.nodeId()).orElseThrow(), new Heartbeat(
                List.of(new InstanceReport(instance, InstanceStatus.FAILED, error, 0)), null, 0, 0, List.of(),
                List.of()));
    }

    private String nodeState(NodeCredentials node) {
        return fixtures.single("SELECT state FROM nodes WHERE id = ?", String.class, node.nodeId());
    }

    private NodeCredentials register(String name, List<GpuInfo> gpus) {
        return FleetFixtures.admit(registry, new NodeRegistration(null, name, "http://127.0.0.1:1", null, Map.of(), 4,
                8L << 30, gpus, "test"));
    }

    private void report(NodeCredentials node, UUID instance, InstanceStatus status) {
        registry.heartbeat(nodes.findById(node.nodeId()).orElseThrow(),
                new Heartbeat(List.of(new InstanceReport(instance, status, null, 0)), null, 0, 0, List.of(), List.of()));
    }

    private UUID cpuDeployment(int instances) {
        UUID project = fixtures.project();
        var version = fixtures.modelVersion(project, new byte[]{1, 2});
        return fixtures.cpuDeployment(project, version.id(), instances);
    }

    private String deploymentStatus(UUID deployment) {
        return fixtures.single("SELECT status FROM deployments WHERE id = ?", String.class, deployment);
    }

    private long version(UUID node) {
        return fixtures.single("SELECT assignments_version FROM nodes WHERE id = ?", Long.class, node);
    }

    private static boolean tryLock(Connection connection) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, LeaderLock.LOCK_KEY);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection connection) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            statement.setLong(1, LeaderLock.LOCK_KEY);
            statement.execute();
        }
    }
}
