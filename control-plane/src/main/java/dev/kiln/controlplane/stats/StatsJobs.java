package dev.kiln.controlplane.stats;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timers of the stats store; {@code kiln.stats.jobs.enabled=false} turns them off (tests drive the rounds
 * themselves, with their own clock).
 */
@Singleton
@Requires(property = "kiln.stats.jobs.enabled", notEquals = "false")
class StatsJobs {

    private static final Logger LOG = LoggerFactory.getLogger(StatsJobs.class);

    private final StatsMaintenance maintenance;
    private final GatewayRefusals refusals;

    StatsJobs(StatsMaintenance maintenance, GatewayRefusals refusals) {
        this.maintenance = maintenance;
        this.refusals = refusals;
    }

    @Scheduled(fixedDelay = "${kiln.stats.rollup-interval:30s}", initialDelay = "${kiln.stats.rollup-interval:30s}")
    void rollUp() {
        try {
            maintenance.rollUpAndPrune();
        } catch (RuntimeException e) {
            LOG.warn("Stats rollup failed, retrying next round: {}", e.toString());
        }
    }

    @Scheduled(fixedDelay = "${kiln.stats.observe-interval:2s}")
    void observe() {
        try {
            maintenance.observe();
        } catch (RuntimeException e) {
            LOG.warn("Observing readiness failed, retrying next round: {}", e.toString());
        }
    }

    @Scheduled(fixedDelay = "${kiln.stats.gateway-flush-interval:5s}")
    void flushRefusals() {
        refusals.flushClosed();
    }
}
