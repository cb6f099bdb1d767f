package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.deployment.DeploymentChanged;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Drives {@link Reconciler} every {@code kiln.scheduler.interval}, and right after a deployment change this
 * replica committed, so a new deployment gets its instances without waiting for the next tick. Every replica
 * tries; only the leader acts.
 */
@Singleton
@Requires(property = "kiln.scheduler.enabled", notEquals = "false")
class ReconcileTicker {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileTicker.class);

    private final Runnable round;
    private final AtomicBoolean soonRequested = new AtomicBoolean();
    private final AtomicBoolean soonRunning = new AtomicBoolean();

    @Inject
    ReconcileTicker(Reconciler reconciler) {
        this(reconciler::runOnce);
    }

    ReconcileTicker(Runnable round) {
        this.round = round;
    }

    @Scheduled(fixedDelay = "${kiln.scheduler.interval:1s}", initialDelay = "${kiln.scheduler.interval:1s}")
    void tick() {
        try {
            round.run();
        } catch (RuntimeException e) {
            // The next round tries again; a database hiccup must not kill the schedule.
            LOG.error("Reconcile round failed", e);
        }
    }

    @TransactionalEventListener(TransactionalEventListener.TransactionPhase.AFTER_COMMIT)
    void onDeploymentChanged(DeploymentChanged change) {
        // A burst of changes needs one extra round after it, not one thread each waiting on the round in progress.
        // A plain thread, not a Micronaut executor: those carry the caller's propagated context, which here still
        // names the just-closed transaction's connection.
        soonRequested.set(true);
        if (soonRunning.compareAndSet(false, true)) {
            Thread.ofVirtual().name("reconcile-soon").start(this::runRequestedRounds);
        }
    }

    private void runRequestedRounds() {
        do {
            while (soonRequested.getAndSet(false)) {
                tick();
            }
            soonRunning.set(false);
            // A request that arrived between the last check and the reset above would otherwise wait for the tick.
        } while (soonRequested.get() && soonRunning.compareAndSet(false, true));
    }
}
