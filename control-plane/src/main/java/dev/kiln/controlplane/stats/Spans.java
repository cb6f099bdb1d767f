package dev.kiln.controlplane.stats;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Readiness and placement over time, as spans: READY while a deployment has at least one READY instance on a
 * node that is not LOST (what the gateway routes to), HOSTED while a node holds instances of it (on which GPUs).
 * Each observation extends the open spans that still hold and opens new ones; a span not extended within the
 * tolerance (an observation missed, a control plane down) is closed where it was last seen.
 */
@Singleton
class Spans {

    enum Kind { READY, HOSTED }

    /** What one span is about: the deployment and, when HOSTED, the node and the GPUs there. */
    record Key(UUID deploymentId, Kind kind, UUID nodeId, List<Integer> gpuIndices) {
    }

    /** A stored span. */
    record Span(Key key, Instant started, Instant ended) {
    }

    private final JdbcOperations jdbc;

    Spans(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    void observe(Instant now, Duration tolerance) {
        Set<Key> current = currentKeys();
        Map<Key, Long> open = new HashMap<>();
        jdbc.prepareStatement("""
                SELECT id, deployment_id, kind, node_id, gpu_indices FROM deployment_spans WHERE ended >= ?""",
                statement -> {
                    statement.setTimestamp(1, Timestamp.from(now.minus(tolerance)));
                    try (ResultSet r = statement.executeQuery()) {
                        while (r.next()) {
                            open.put(key(r, 2), r.getLong(1));
                        }
                    }
                    return null;
                });
        List<Long> extend = new ArrayList<>();
        List<Key> start = new ArrayList<>();
        for (Key key : current) {
            Long id = open.get(key);
            if (id != null) {
                extend.add(id);
            } else {
                start.add(key);
            }
        }
        if (!extend.isEmpty()) {
            jdbc.prepareStatement("UPDATE deployment_spans SET ended = ? WHERE id = ANY(?) AND ended < ?", statement -> {
                statement.setTimestamp(1, Timestamp.from(now));
                statement.setArray(2, statement.getConnection().createArrayOf("bigint", extend.toArray()));
                statement.setTimestamp(3, Timestamp.from(now));
                return statement.executeUpdate();
            });
        }
        if (!start.isEmpty()) {
            jdbc.prepareStatement("""
                    INSERT INTO deployment_spans (deployment_id, kind, node_id, gpu_indices, started, ended)
                    VALUES (?, ?, ?, ?, ?, ?)""", statement -> {
                for (Key key : start) {
                    statement.setObject(1, key.deploymentId());
                    statement.setString(2, key.kind().name());
                    statement.setObject(3, key.nodeId());
                    statement.setArray(4, statement.getConnection().createArrayOf("integer", key.gpuIndices().toArray()));
                    statement.setTimestamp(5, Timestamp.from(now));
                    statement.setTimestamp(6, Timestamp.from(now));
                    statement.addBatch();
                }
                statement.executeBatch();
                return null;
            });
        }
    }

    /** Spans of the deployment of that kind overlapping [from, to). */
    List<Span> overlapping(UUID deploymentId, Kind kind, Instant from, Instant to) {
        return jdbc.prepareStatement("""
                SELECT id, deployment_id, kind, node_id, gpu_indices, started, ended FROM deployment_spans
                WHERE deployment_id = ? AND kind = ? AND ended >= ? AND started < ? ORDER BY started""", statement -> {
            statement.setObject(1, deploymentId);
            statement.setString(2, kind.name());
            statement.setTimestamp(3, Timestamp.from(from));
            statement.setTimestamp(4, Timestamp.from(to));
            List<Span> spans = new ArrayList<>();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    spans.add(new Span(key(r, 2), r.getObject(6, OffsetDateTime.class).toInstant(),
                            r.getObject(7, OffsetDateTime.class).toInstant()));
                }
            }
            return spans;
        });
    }

    private Set<Key> currentKeys() {
        return jdbc.prepareStatement("""
                SELECT i.deployment_id, i.node_id, i.status, i.gpu_indices
                FROM instances i JOIN nodes n ON n.id = i.node_id JOIN deployments d ON d.id = i.deployment_id
                WHERE i.status IN ('LOADING', 'READY', 'DRAINING') AND n.state <> 'LOST' AND d.status <> 'DELETING'""",
                statement -> {
                    Map<List<UUID>, TreeSet<Integer>> hosted = new HashMap<>();
                    Set<Key> keys = new HashSet<>();
                    try (ResultSet r = statement.executeQuery()) {
                        while (r.next()) {
                            UUID deploymentId = r.getObject(1, UUID.class);
                            UUID nodeId = r.getObject(2, UUID.class);
                            if ("READY".equals(r.getString(3))) {
                                keys.add(new Key(deploymentId, Kind.READY, null, List.of()));
                            }
                            hosted.computeIfAbsent(List.of(deploymentId, nodeId), k -> new TreeSet<>())
                                    .addAll(ints(r.getArray(4)));
                        }
                    }
                    hosted.forEach((k, gpus) -> keys.add(new Key(k.get(0), Kind.HOSTED, k.get(1), List.copyOf(gpus))));
                    return keys;
                });
    }

    private static Key key(ResultSet r, int first) throws SQLException {
        return new Key(r.getObject(first, UUID.class), Kind.valueOf(r.getString(first + 1)),
                r.getObject(first + 2, UUID.class), ints(r.getArray(first + 3)));
    }

    private static List<Integer> ints(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.stream((Integer[]) array.getArray()).filter(Objects::nonNull)
                .sorted().toList();
    }
}
