package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.deployment.Autoscaling;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The autoscaler's reads (policies, node windows, held requests) and its writes (count, scale points). */
@Singleton
class AutoscaleStore {

    /** An autoscaled deployment as the autoscaler sees it. */
    record Scaled(UUID id, Autoscaling policy, int current, Instant lastChange, boolean hasPoint) {
    }

    private final JdbcOperations jdbc;

    AutoscaleStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    List<Scaled> scaled() {
        return jdbc.prepareStatement("""
                SELECT d.id, d.autoscale_min_instances, d.autoscale_max_instances, d.autoscale_target_concurrency,
                       d.autoscale_scale_down_delay_seconds, d.autoscale_max_scale_up_rate, d.autoscaled_instances,
                       coalesce(d.autoscaled_at, d.updated_at),
                       EXISTS (SELECT 1 FROM deployment_scale_points p WHERE p.deployment_id = d.id)
                FROM deployments d
                WHERE d.autoscale_max_instances IS NOT NULL AND d.status <> 'DELETING'""", statement -> {
            List<Scaled> scaled = new ArrayList<>();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    Autoscaling policy = new Autoscaling(r.getInt(2), r.getInt(3), r.getDouble(4), r.getInt(5),
                            r.getObject(6, Double.class));
                    scaled.add(new Scaled(r.getObject(1, UUID.class), policy, r.getInt(7), instant(r, 8),
                            r.getBoolean(9)));
                }
            }
            return scaled;
        });
    }

    /**
     * Per autoscaled deployment, its windows summed over instances (and gateway replicas), for those ending within
     * {@code stableWindow} or the deployment's scale-down delay, whichever is longer.
     */
    Map<UUID, List<Autoscaler.Sample>> samples(Instant now, Duration stableWindow) {
        return jdbc.prepareStatement("""
                SELECT w.deployment_id, w.start + make_interval(secs => max(w.seconds)) AS ends,
                       sum(w.max_concurrency), sum(w.requests)
                FROM stats_windows w JOIN deployments d ON d.id = w.deployment_id
                WHERE d.autoscale_max_instances IS NOT NULL
                  AND w.start > ?::timestamptz - make_interval(secs => greatest(?, d.autoscale_scale_down_delay_seconds) + 60)
                GROUP BY w.deployment_id, w.start""", statement -> {
            statement.setTimestamp(1, Timestamp.from(now));
            statement.setDouble(2, stableWindow.toMillis() / 1000.0);
            Map<UUID, List<Autoscaler.Sample>> samples = new HashMap<>();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    samples.computeIfAbsent(r.getObject(1, UUID.class), id -> new ArrayList<>())
                            .add(new Autoscaler.Sample(instant(r, 2), r.getLong(3), r.getLong(4)));
                }
            }
            return samples;
        });
    }

    /** Requests held for activation per deployment, over the gateway replicas that reported within {@code timeout}. */
    Map<UUID, Integer> held(Duration timeout) {
        return jdbc.prepareStatement("""
                SELECT deployment_id, sum(held) FROM deployment_demand
                WHERE seen_at > now() - make_interval(secs => ?) GROUP BY deployment_id""", statement -> {
            statement.setDouble(1, timeout.toMillis() / 1000.0);
            Map<UUID, Integer> held = new HashMap<>();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    held.put(r.getObject(1, UUID.class), r.getInt(2));
                }
            }
            return held;
        });
    }

    /** Sets the count if it is still {@code from} and autoscaling still on; returns whether it did. */
    boolean scale(UUID id, int from, int to, Instant now) {
        return jdbc.prepareStatement("""
                UPDATE deployments SET autoscaled_instances = ?, autoscaled_at = ?
                WHERE id = ? AND autoscaled_instances = ? AND status <> 'DELETING'""", statement -> {
            statement.setInt(1, to);
            statement.setTimestamp(2, Timestamp.from(now));
            statement.setObject(3, id);
            statement.setInt(4, from);
            return statement.executeUpdate();
        }) == 1;
    }

    void point(UUID id, int instances, Instant at) {
        jdbc.prepareStatement("""
                INSERT INTO deployment_scale_points (deployment_id, at, instances) VALUES (?, ?, ?)
                ON CONFLICT (deployment_id, at) DO UPDATE SET instances = excluded.instances""", statement -> {
            statement.setObject(1, id);
            statement.setTimestamp(2, Timestamp.from(at));
            statement.setInt(3, instances);
            return statement.executeUpdate();
        });
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        return r.getObject(column, OffsetDateTime.class).toInstant();
    }
}
