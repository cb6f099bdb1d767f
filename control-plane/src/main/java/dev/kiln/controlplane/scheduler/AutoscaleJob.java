package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.logs.DeploymentLog;
import dev.kiln.controlplane.logs.LogKind;
import dev.kiln.controlplane.logs.LogLevel;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The leader's autoscaling step, run at the start of each reconcile round: asks {@link Autoscaler} about every
 * autoscaled deployment and stores each change (the count the planner then keeps, a scale point for the stats series
 * and a SCALE line in the deployment's log) in one transaction.
 */
@Singleton
class AutoscaleJob {

    private static final Logger LOG = LoggerFactory.getLogger(AutoscaleJob.class);

    private final AutoscaleStore store;
    private final DeploymentLog log;
    private final TransactionOperations<Connection> tx;
    private final AutoscalerConfig config;
    private final Autoscaler autoscaler;

    AutoscaleJob(AutoscaleStore store, DeploymentLog log, TransactionOperations<Connection> tx,
                 AutoscalerConfig config) {
        this.store = store;
        this.log = log;
        this.tx = tx;
        this.config = config;
        this.autoscaler = new Autoscaler(config.stableWindow(), config.panicWindow(), config.sampleLag());
    }

    void runOnce(Instant now) {
        List<AutoscaleStore.Scaled> scaled = tx.executeRead(status -> store.scaled());
        if (scaled.isEmpty()) {
            return;
        }
        Map<UUID, List<Autoscaler.Sample>> samples = tx.executeRead(status -> store.samples(now,
                config.stableWindow().plus(config.sampleLag())));
        Map<UUID, Integer> held = tx.executeRead(status -> store.held(config.demandTimeout()));
        for (AutoscaleStore.Scaled deployment : scaled) {
            try {
                var seen = new Autoscaler.Observation(samples.getOrDefault(deployment.id(), List.of()),
                        held.getOrDefault(deployment.id(), 0));
                apply(deployment, autoscaler.decide(deployment.policy(), seen, deployment.current(),
                        deployment.lastChange(), now), now);
            } catch (RuntimeException e) {
                // One broken deployment must not stop the others from scaling.
                LOG.error("Autoscaling deployment {} failed", deployment.id(), e);
            }
        }
    }

    private void apply(AutoscaleStore.Scaled deployment, Autoscaler.Decision decision, Instant now) {
        switch (decision) {
            case Autoscaler.Decision.Hold hold -> {
                if (!deployment.hasPoint()) { // the series starts where it stands
                    tx.executeWrite(status -> {
                        store.point(deployment.id(), deployment.current(), now);
                        return null;
                    });
                }
            }
            case Autoscaler.Decision.ScaleTo to -> tx.executeWrite(status -> {
                if (store.scale(deployment.id(), deployment.current(), to.instances(), now)) {
                    store.point(deployment.id(), to.instances(), now);
                    log.record(deployment.id(), now, LogLevel.INFO, LogKind.SCALE, "Autoscaling: " + to.reason() + ".",
                            null, null);
                    LOG.info("Deployment {} autoscaled: {}", deployment.id(), to.reason());
                }
                return null;
            });
        }
    }
}
