package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.node.FleetFixtures;
import dev.kiln.controlplane.node.FleetTestBase;
import dev.kiln.controlplane.node.NodeRegistry;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.context.ApplicationContext;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two control-plane replicas against one Postgres: this test's application context is replica A, a second full
 * context (its own connection pool and lock) is replica B.
 */
@MicronautTest(transactional = false)
class LeaderElectionTest extends FleetTestBase {

    private static final int ROUNDS = 20;

    @Inject
    Reconciler replicaA;
    @Inject
    LeaderLock lockA;
    @Inject
    NodeRegistry registry;

    @Test
    void exactlyOneReplicaReconcilesAndAnotherTakesOverWhenTheLeaderDiesOrStops() throws Exception {
        FleetFixtures.admit(registry, new NodeRegistration(null, "node-a", "http://127.0.0.1:1", null, Map.of(), 4, 8L << 30,
                List.of(), "test"));
        UUID project = fixtures.project();
        UUID version = fixtures.modelVersion(project, new byte[]{1}).id();
        UUID first = fixtures.cpuDeployment(project, version, 3);
        lockA.release();
        assertThat(replicaA.runOnce()).isTrue();

        Map<String, Object> properties = new HashMap<>(getProperties());
        try (ApplicationContext contextB = ApplicationContext.run(properties, "test")) {
            Reconciler replicaB = contextB.getBean(Reconciler.class);

            // both replicas run rounds at the same time: only A acts, and the deployment gets 3 instances, not 6
            List<Boolean> roundsA;
            List<Boolean> roundsB;
            try (ExecutorService both = Executors.newFixedThreadPool(2)) {
                Future<List<Boolean>> a = both.submit(rounds(replicaA));
                Future<List<Boolean>> b = both.submit(rounds(replicaB));
                roundsA = a.get();
                roundsB = b.get();
            }
            assertThat(roundsA).containsOnly(true);
            assertThat(roundsB).containsOnly(false);
            assertThat(instanceCount(first)).isEqualTo(3);

            // A dies: its lock connection goes away as it would with its process
            assertThat(fixtures.single("SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                    + "WHERE locktype = 'advisory' AND granted AND classid::bigint = ? AND objid::bigint = ?", Long.class,
                    LeaderLock.LOCK_KEY >>> 32, LeaderLock.LOCK_KEY & 0xffffffffL)).isEqualTo(1L);
            UUID second = fixtures.cpuDeployment(project, version, 1);

            // the terminated backend lets go of the lock a moment later, not at once
            await().atMost(Duration.ofSeconds(10)).until(replicaB::runOnce);
            assertThat(replicaA.runOnce()).isFalse();
            assertThat(instanceCount(second)).isEqualTo(1);
            assertThat(instanceCount(first)).isEqualTo(3);
        }

        // B stops cleanly: A takes over at its next round
        UUID third = fixtures.cpuDeployment(project, version, 2);
        assertThat(replicaA.runOnce()).isTrue();
        assertThat(instanceCount(third)).isEqualTo(2);
    }

    private static Callable<List<Boolean>> rounds(Reconciler replica) {
        return () -> IntStream.range(0, ROUNDS).mapToObj(i -> replica.runOnce()).toList();
    }

    private long instanceCount(UUID deployment) {
        return fixtures.single("SELECT count(*) FROM instances WHERE deployment_id = ?", Long.class, deployment);
    }
}
