package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.node.FleetFixtures;
import dev.kiln.controlplane.deployment.DeploymentChanged;
import dev.kiln.controlplane.node.FleetTestBase;
import dev.kiln.controlplane.node.NodeRegistry;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The timer is set to an hour here: only a committed deployment change can start a round. */
@MicronautTest(transactional = false)
class ReconcileTickerTest extends FleetTestBase {

    @Inject
    NodeRegistry registry;
    @Inject
    TransactionOperations<Connection> tx;
    @Inject
    ApplicationEventPublisher<DeploymentChanged> events;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("kiln.scheduler.enabled", "true");
        properties.put("kiln.scheduler.interval", "1h");
        return properties;
    }

    @Test
    void aCommittedDeploymentChangeStartsARoundAtOnce() throws InterruptedException {
        FleetFixtures.admit(registry, new NodeRegistration(null, "node-a", "http://127.0.0.1:1", null, Map.of(), 2, 1L << 30,
                List.of(), "test"));
        UUID project = fixtures.project();
        UUID version = fixtures.modelVersion(project, new byte[]{1}).id();

        UUID deployment = tx.executeWrite(status -> {
            UUID id = fixtures.cpuDeployment(project, version, 1);
            events.publishEvent(new DeploymentChanged(id));
            return id;
        });

        // Bounded wait for the asynchronous round; not a timing assertion.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (fixtures.column("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment).isEmpty()
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(fixtures.column("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment))
                .hasSize(1);
        assertThat(fixtures.single("SELECT status FROM deployments WHERE id = ?", String.class, deployment))
                .isEqualTo("DEPLOYING");
    }
}
