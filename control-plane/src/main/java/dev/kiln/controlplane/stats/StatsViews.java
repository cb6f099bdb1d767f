package dev.kiln.controlplane.stats;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** JSON of the stats API (DESIGN §9; the summary as the dashboard's deployment list needs it). */
final class StatsViews {

    private StatsViews() {
    }

    /**
     * Each series a list of [epochMillis, value] at the start of each step; counts are per step. {@code requests}
     * counts all traffic; {@code evaluations} the part of it sent from the dashboard's evaluation.
     */
    @Serdeable
    record Series(List<List<Object>> requests, List<List<Object>> errors4xx, List<List<Object>> errors5xx,
                  List<List<Object>> latencyP50Ms, List<List<Object>> latencyP95Ms, List<List<Object>> latencyP99Ms,
                  List<List<Object>> concurrency, List<List<Object>> cpuPercent, List<List<Object>> memoryBytes,
                  List<List<Object>> gpuUtilPercent, List<List<Object>> gpuMemoryBytes,
                  List<List<Object>> instances,
                  List<List<Object>> evaluations) {
    }

    /**
     * @param step         seconds per point
     * @param availability share of the range (from the deployment's creation, up to now) with a READY instance;
     *                     null when that leaves nothing
     */
    @Serdeable
    record Stats(Instant from, Instant to, long step, long uptimeSeconds, @Nullable Double availability,
                 Series series) {
    }

    @Serdeable
    record DeploymentSummary(UUID deploymentId, long requests, double requestRatePerSecond, double errorRate,
                             @Nullable Double latencyP95Ms, List<List<Object>> sparkline) {
    }

    @Serdeable
    record Summary(Instant from, Instant to, List<DeploymentSummary> deployments) {
    }
}
