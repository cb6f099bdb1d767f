package dev.kiln.controlplane.stats;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code instances} series: how many instances the deployment was meant to run, from the autoscaler's
 * points (deployment_scale_points). Each step shows the most wanted during it; before the first point, nothing.
 */
@Singleton
class ScalePoints {

    private record Point(Instant at, int instances) {
    }

    private final JdbcOperations jdbc;

    ScalePoints(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** Per step of {@code grid}; null before the first point (all null for a deployment never autoscaled). */
    @Nullable Integer[] series(UUID deploymentId, StatsReader.Grid grid) {
        List<Point> points = read(deploymentId, grid);
        Integer[] values = new Integer[grid.size()];
        int next = 0;
        Integer current = null;
        for (int i = 0; i < values.length; i++) {
            Instant end = grid.start(i + 1);
            Integer most = current;
            while (next < points.size() && points.get(next).at().isBefore(end)) {
                current = points.get(next++).instances();
                most = most == null ? current : Math.max(most, current);
            }
            values[i] = most;
        }
        return values;
    }

    /** The last point before the grid and every point within it, oldest first. */
    private List<Point> read(UUID deploymentId, StatsReader.Grid grid) {
        return jdbc.prepareStatement("""
                (SELECT at, instances FROM deployment_scale_points WHERE deployment_id = ? AND at <= ?
                 ORDER BY at DESC LIMIT 1)
                UNION ALL
                SELECT at, instances FROM deployment_scale_points WHERE deployment_id = ? AND at > ? AND at < ?
                ORDER BY at""", statement -> {
            statement.setObject(1, deploymentId);
            statement.setTimestamp(2, Timestamp.from(grid.from()));
            statement.setObject(3, deploymentId);
            statement.setTimestamp(4, Timestamp.from(grid.from()));
            statement.setTimestamp(5, Timestamp.from(grid.to()));
            List<Point> points = new ArrayList<>();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    points.add(new Point(r.getObject(1, OffsetDateTime.class).toInstant(), r.getInt(2)));
                }
            }
            return points;
        });
    }
}
