package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.node.FleetFixtures;
import dev.kiln.controlplane.node.FleetTestBase;
import dev.kiln.controlplane.node.NodeRegistry;
import dev.kiln.controlplane.node.NodeRepository;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The leader's autoscaler on a real database: decisions from stored windows and demand rows, applied by the round. */
@MicronautTest(transactional = false)
class AutoscalingReconcileTest extends FleetTestBase {

    @Inject
    Reconciler reconciler;
    @Inject
    NodeRegistry registry;
    @Inject
    NodeRepository nodes;
    @Inject
    LeaderLock leader;

    private List<NodeCredentials> fleet;
    private UUID deployment;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new java.util.HashMap<>(super.getProperties());
        properties.put("kiln.autoscaler.stable-window", "20s");
        properties.put("kiln.autoscaler.panic-window", "6s");
        properties.put("kiln.autoscaler.sample-lag", "0s"); // the windows are stored by hand, none is on its way
        return properties;
    }

    @BeforeEach
    void fleetAndDeployment() {
        leader.release();
        fleet = List.of(register("node-a"), register("node-b"), register("node-c"));
        UUID project = fixtures.project();
        deployment = fixtures.cpuDeployment(project, fixtures.modelVersion(project, new byte[]{1, 2}).id(), 1);
    }

    @Test
    void eightInFlightAgainstATargetOfTwoGrowsToTheMaximumThenShrinksToTheMinimumAfterTheDelay() {
        fixtures.autoscale(deployment, 1, 3, 2, 30, 1, clock.instant().minus(Duration.ofHours(1)));
        reconciler.runOnce();
        UUID first = instances().getFirst();
        beat(InstanceStatus.READY);
        fixtures.window(first, deployment, clock.instant().minusSeconds(12), 8, 40);

        reconciler.runOnce();

        assertThat(autoscaled()).isEqualTo(3);
        assertThat(instances()).hasSize(3);
        assertThat(fixtures.column("SELECT DISTINCT node_id FROM instances WHERE deployment_id = ?", UUID.class,
                deployment)).hasSize(3);
        assertThat(scaleLog()).anySatisfy(line -> assertThat(line).contains("observed concurrency 8",
                "target 2 per instance", "1 → 3", "wanted 4, capped at maxInstances 3"));
        assertThat(points()).containsExactly(1, 3);

        // the load stops: 29 s later nothing has changed, past the 30 s delay it shrinks to one
        clock.advance(Duration.ofSeconds(29));
        beat(InstanceStatus.READY);
        reconciler.runOnce();
        assertThat(autoscaled()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(2));
        beat(InstanceStatus.READY);
        reconciler.runOnce();

        assertThat(autoscaled()).isEqualTo(1);
        assertThat(fixtures.column("SELECT status FROM instances WHERE deployment_id = ?", String.class, deployment))
                .containsExactlyInAnyOrder("READY", "DRAINING", "DRAINING");
        assertThat(scaleLog()).anySatisfy(line -> assertThat(line).contains("3 → 1", "below that for 30 s"));
        assertThat(points()).containsExactly(1, 3, 1);
    }

    @Test
    void withoutTrafficTheLastInstanceGoesAndAHeldRequestOnAnyReplicaBringsOneBack() {
        fixtures.autoscale(deployment, 0, 2, 2, 5, 1, clock.instant());
        reconciler.runOnce();
        beat(InstanceStatus.READY);
        reconciler.runOnce();
        assertThat(autoscaled()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(6));
        beat(InstanceStatus.READY);
        reconciler.runOnce();

        assertThat(autoscaled()).isZero();
        assertThat(fixtures.column("SELECT status FROM instances WHERE deployment_id = ?", String.class, deployment))
                .containsExactly("DRAINING");
        assertThat(scaleLog()).anySatisfy(line -> assertThat(line).contains("no requests for 5 s", "1 → 0"));

        // another replica's gateway holds a request for it
        fixtures.update("INSERT INTO deployment_demand (deployment_id, replica_id, held, seen_at) VALUES (?, ?, 1, now())",
                deployment, UUID.randomUUID());
        reconciler.runOnce();

        assertThat(autoscaled()).isEqualTo(1);
        assertThat(fixtures.column("SELECT status FROM instances WHERE deployment_id = ?", String.class, deployment))
                .contains("SCHEDULED");
        assertThat(scaleLog()).anySatisfy(line -> assertThat(line).contains("1 request held for activation", "0 → 1"));
    }

    @Test
    void aStaleDemandRowStartsNothing() {
        fixtures.autoscale(deployment, 0, 2, 2, 5, 0, clock.instant().minus(Duration.ofHours(1)));
        fixtures.update("""
                INSERT INTO deployment_demand (deployment_id, replica_id, held, seen_at)
                VALUES (?, ?, 3, now() - interval '1 minute')""", deployment, UUID.randomUUID());

        reconciler.runOnce();

        assertThat(autoscaled()).isZero();
        assertThat(instances()).isEmpty();
    }

    private NodeCredentials register(String name) {
        return FleetFixtures.admit(registry, new NodeRegistration(null, name, "http://127.0.0.1:1", null, Map.of(), 4,
                8L << 30, List.of(), "test"));
    }

    /** Every node reports its instances of the deployment in {@code status} (and is heard from). */
    private void beat(InstanceStatus status) {
        for (NodeCredentials node : fleet) {
            List<InstanceReport> reports = fixtures.column(
                    "SELECT id FROM instances WHERE node_id = ? AND status <> 'DRAINING'", UUID.class, node.nodeId())
                    .stream().map(id -> new InstanceReport(id, status, null, 0)).toList();
            registry.heartbeat(nodes.findById(node.nodeId()).orElseThrow(),
                    new Heartbeat(reports, null, 0, 0, List.of(), List.of()));
        }
    }

    private List<UUID> instances() {
        return fixtures.column("SELECT id FROM instances WHERE deployment_id = ? ORDER BY created_at", UUID.class,
                deployment);
    }

    private int autoscaled() {
        return fixtures.single("SELECT autoscaled_instances FROM deployments WHERE id = ?", Integer.class, deployment);
    }

    private List<String> scaleLog() {
        return fixtures.column("SELECT message FROM deployment_events WHERE deployment_id = ? AND kind = 'SCALE'",
                String.class, deployment);
    }

    private List<Integer> points() {
        return fixtures.column("SELECT instances FROM deployment_scale_points WHERE deployment_id = ? ORDER BY at",
                Integer.class, deployment);
    }
}
