package dev.kiln.controlplane.capture;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/** SQL of the captures table; every read names the deployment (the caller's access to it is checked before). */
@Singleton
class CaptureStore {

    private static final String COLUMNS = "id, organization_id, deployment_id, model_version_id, instance_id, groups, "
            + "flagged, score, key_prefix, class_names, predictions, blob_key, content_type, size_bytes, width, "
            + "height, captured_at, expires_at";

    private final JdbcOperations jdbc;

    CaptureStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Capture c) {
        jdbc.execute(connection -> {
            try (PreparedStatement s = connection.prepareStatement("INSERT INTO captures (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setObject(1, c.id());
                s.setObject(2, c.organizationId());
                s.setObject(3, c.deploymentId());
                s.setObject(4, c.modelVersionId());
                s.setObject(5, c.instanceId());
                s.setArray(6, connection.createArrayOf("text", c.groups().toArray()));
                s.setBoolean(7, c.flagged());
                s.setDouble(8, c.score());
                s.setString(9, c.keyPrefix());
                s.setArray(10, connection.createArrayOf("text", c.classNames().toArray()));
                s.setString(11, c.predictions());
                s.setString(12, c.blobKey());
                s.setString(13, c.contentType());
                s.setLong(14, c.sizeBytes());
                s.setInt(15, c.width());
                s.setInt(16, c.height());
                s.setTimestamp(17, Timestamp.from(c.capturedAt()));
                s.setTimestamp(18, Timestamp.from(c.expiresAt()));
                return s.executeUpdate();
            }
        });
    }

    /** One page, newest first; {@code limit} one more than shown tells whether there is a next page. */
    @ReadOnly
    List<Capture> page(CaptureFilter filter, int limit, long offset) {
        List<Object> parameters = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + " FROM captures WHERE " + filter.where(parameters)
                + " ORDER BY captured_at DESC, id LIMIT ? OFFSET ?";
        parameters.add(limit);
        parameters.add(offset);
        List<Capture> result = new ArrayList<>();
        query(sql, parameters, result::add);
        return result;
    }

    long count(CaptureFilter filter) {
        List<Object> parameters = new ArrayList<>();
        return jdbc.execute(connection -> {
            try (PreparedStatement s = connection.prepareStatement("SELECT count(*) FROM captures WHERE "
                    + filter.where(parameters))) {
                bind(s, parameters);
                try (ResultSet rows = s.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    /** Every matching capture, oldest first, handed over one at a time (an export never holds them all). */
    void each(CaptureFilter filter, Consumer<Capture> consumer) {
        List<Object> parameters = new ArrayList<>();
        query("SELECT " + COLUMNS + " FROM captures WHERE " + filter.where(parameters)
                + " ORDER BY captured_at, id", parameters, consumer);
    }

    Optional<Capture> find(UUID deploymentId, UUID id) {
        List<Capture> found = new ArrayList<>();
        query("SELECT " + COLUMNS + " FROM captures WHERE deployment_id = ? AND id = ?",
                List.of(deploymentId, id), found::add);
        return found.stream().findFirst();
    }

    /** Up to {@code limit} matching captures (id and blob key are what a delete needs). */
    List<Capture> matching(CaptureFilter filter, int limit) {
        List<Object> parameters = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + " FROM captures WHERE " + filter.where(parameters) + " LIMIT ?";
        parameters.add(limit);
        List<Capture> result = new ArrayList<>();
        query(sql, parameters, result::add);
        return result;
    }

    /** Captures past their retention, or whose deployment no longer exists. */
    List<Capture> expired(Instant now, int limit) {
        List<Capture> result = new ArrayList<>();
        query("SELECT " + COLUMNS + " FROM captures c WHERE c.expires_at <= ? OR NOT EXISTS "
                        + "(SELECT 1 FROM deployments d WHERE d.id = c.deployment_id) LIMIT ?",
                List.of(Timestamp.from(now), limit), result::add);
        return result;
    }

    void delete(UUID id) {
        jdbc.prepareStatement("DELETE FROM captures WHERE id = ?", s -> {
            s.setObject(1, id);
            return s.executeUpdate();
        });
    }

    private void query(String sql, List<Object> parameters, Consumer<Capture> consumer) {
        jdbc.execute((Connection connection) -> {
            try (PreparedStatement s = connection.prepareStatement(sql)) {
                bind(s, parameters);
                s.setFetchSize(100);
                try (ResultSet rows = s.executeQuery()) {
                    while (rows.next()) {
                        consumer.accept(row(rows));
                    }
                }
            }
            return null;
        });
    }

    private static void bind(PreparedStatement s, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            s.setObject(i + 1, parameters.get(i));
        }
    }

    private static Capture row(ResultSet r) throws SQLException {
        return new Capture(r.getObject("id", UUID.class), r.getObject("organization_id", UUID.class),
                r.getObject("deployment_id", UUID.class), r.getObject("model_version_id", UUID.class),
                r.getObject("instance_id", UUID.class), texts(r.getArray("groups")), r.getBoolean("flagged"),
                r.getDouble("score"), r.getString("key_prefix"), texts(r.getArray("class_names")),
                r.getString("predictions"), r.getString("blob_key"), r.getString("content_type"),
                r.getLong("size_bytes"), r.getInt("width"), r.getInt("height"),
                r.getTimestamp("captured_at").toInstant(), r.getTimestamp("expires_at").toInstant());
    }

    private static List<String> texts(Array array) throws SQLException {
        return array == null ? List.of() : List.copyOf(Arrays.asList((String[]) array.getArray()));
    }
}
