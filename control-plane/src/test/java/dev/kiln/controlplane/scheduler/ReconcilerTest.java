package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.node.FleetTestBase;
import dev.kiln.controlplane.node.NodeRegistry;
import dev.kiln.controlplane.node.NodeRepository;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

    @Test
    void aSilentNodeIsLostAndItsInstanceReplacedOnAnotherNode() {
        NodeCredentials a = register("node-a", List.of());
        UUID deployment = cpuDeployment(1);
        assertThat(reconciler.runOnce()).isTrue();
        UUID first = fixtures.single("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment);
        report(a, first, InstanceStatus.READY);
        NodeCredentials b = register("node-b", List.of());
        long versionOfA = version(a.nodeId());

        // node-a's last heartbeat is older than the 15 s timeout
        fixtures.update("UPDATE nodes SET last_heartbeat_at = now() - interval '1 minute' WHERE id = ?", a.nodeId());
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

    // --- helpers

    private NodeCredentials register(String name, List<GpuInfo> gpus) {
        return registry.register(new NodeRegistration(null, name, "http://127.0.0.1:1", null, Map.of(), 4,
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
