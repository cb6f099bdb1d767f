package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.deployment.Traffic;
import dev.kiln.controlplane.deployment.TrafficSplit;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import org.HdrHistogram.Histogram;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Request rate, error rate and p95 latency per model version of a deployment over the last minutes (canary and
 * shadow side by side), from the raw windows each instance reported with its version.
 */
@Singleton
class VersionStats {

    static final int MAX_MINUTES = 60;

    /** One version's figures; {@code shadow} when it only gets mirrored copies. */
    @Serdeable
    record VersionFigures(UUID modelVersionId, @Nullable String versionTag, int weight, boolean shadow, long requests,
                          double requestRatePerSecond, double errorRate, @Nullable Double latencyP95Ms) {
    }

    @Serdeable
    record ByVersion(Instant from, Instant to, List<VersionFigures> versions) {
    }

    private static final class Sums {
        long requests;
        long errors;
        final Histogram total = Histograms.empty();
    }

    private final DeploymentScope scope;
    private final JdbcOperations jdbc;
    private final Clock clock;

    VersionStats(DeploymentScope scope, JdbcOperations jdbc, Clock clock) {
        this.scope = scope;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Every version of the traffic list (zeros when idle), then any other version that served in the range. */
    @ReadOnly
    ByVersion byVersion(Caller caller, UUID deploymentId, @Nullable Integer minutesAsked) {
        int minutes = minutesAsked == null ? 5 : minutesAsked;
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw new InvalidInputException("minutes must be between 1 and " + MAX_MINUTES + ".",
                    List.of(new ErrorBody.Detail(List.of("query", "minutes"), "must be between 1 and " + MAX_MINUTES,
                            "value_error.number")));
        }
        Deployment deployment = scope.readable(caller, deploymentId);
        Instant to = Times.now(clock).truncatedTo(ChronoUnit.SECONDS);
        Instant from = to.minus(Duration.ofMinutes(minutes));
        Map<UUID, Sums> sums = new LinkedHashMap<>();
        List<TrafficSplit> traffic = Traffic.effective(deployment);
        traffic.forEach(t -> sums.put(t.modelVersionId(), new Sums()));
        read(deploymentId, from, to, sums);
        Map<UUID, String> tags = tags(sums.keySet());
        List<VersionFigures> rows = new ArrayList<>();
        sums.forEach((version, s) -> {
            TrafficSplit split = traffic.stream().filter(t -> t.modelVersionId().equals(version)).findFirst()
                    .orElse(new TrafficSplit(version, 0, false));
            rows.add(new VersionFigures(version, tags.get(version), split.weight(), split.shadow(), s.requests,
                    s.requests / (minutes * 60.0), s.requests == 0 ? 0 : (double) s.errors / s.requests,
                    Histograms.percentileMs(s.total, 95)));
        });
        return new ByVersion(from, to, rows);
    }

    private void read(UUID deploymentId, Instant from, Instant to, Map<UUID, Sums> into) {
        jdbc.prepareStatement("""
                SELECT model_version_id, requests, errors_4xx + errors_5xx, total_histogram FROM stats_windows
                WHERE deployment_id = ? AND model_version_id IS NOT NULL AND start >= ? AND start < ?""", statement -> {
            statement.setObject(1, deploymentId);
            statement.setTimestamp(2, Timestamp.from(from));
            statement.setTimestamp(3, Timestamp.from(to));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Sums s = into.computeIfAbsent(rows.getObject(1, UUID.class), v -> new Sums());
                    s.requests += rows.getLong(2);
                    s.errors += rows.getLong(3);
                    byte[] histogram = rows.getBytes(4);
                    if (histogram != null) {
                        s.total.add(Histograms.decode(histogram));
                    }
                }
            }
            return null;
        });
    }

    private Map<UUID, String> tags(java.util.Collection<UUID> versions) {
        return jdbc.prepareStatement("SELECT id, version_tag FROM model_versions WHERE id = ANY(?)", statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("uuid", versions.toArray()));
            Map<UUID, String> tags = new java.util.HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    tags.put(rows.getObject(1, UUID.class), rows.getString(2));
                }
            }
            return tags;
        });
    }
}
