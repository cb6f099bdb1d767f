package dev.kiln.controlplane.deployment;

import dev.kiln.controlplane.deployment.Views.HistoryEntry;
import io.micronaut.core.type.Argument;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The numbered generations of a deployment's configuration (DESIGN §7 history): one row per applied change, written
 * in the change's transaction, numbered from 1 per deployment.
 */
@Singleton
class DeploymentHistory {

    private static final Argument<Map<String, Object>> SETTINGS = Argument.mapOf(String.class, Object.class);

    private final JdbcOperations jdbc;
    private final JsonMapper json;

    DeploymentHistory(JdbcOperations jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Records the settings as the next generation and returns its number. */
    int append(UUID deploymentId, String action, String actor, Settings settings, Instant at) {
        return jdbc.prepareStatement("""
                INSERT INTO deployment_history (deployment_id, generation, settings, actor, action, created_at)
                SELECT ?, COALESCE(max(generation), 0) + 1, ?::jsonb, ?, ?, ?
                FROM deployment_history WHERE deployment_id = ?
                RETURNING generation""", statement -> {
            statement.setObject(1, deploymentId);
            statement.setString(2, toJson(settings.asMap()));
            statement.setString(3, actor);
            statement.setString(4, action);
            statement.setTimestamp(5, Timestamp.from(at));
            statement.setObject(6, deploymentId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        });
    }

    /** Newest first. */
    @ReadOnly
    List<HistoryEntry> list(UUID deploymentId) {
        return jdbc.prepareStatement("""
                SELECT generation, action, actor, created_at, settings::text FROM deployment_history
                WHERE deployment_id = ? ORDER BY generation DESC""", statement -> {
            statement.setObject(1, deploymentId);
            List<HistoryEntry> entries = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    entries.add(entry(rows));
                }
            }
            return entries;
        });
    }

    @ReadOnly
    Optional<HistoryEntry> find(UUID deploymentId, int generation) {
        return jdbc.prepareStatement("""
                SELECT generation, action, actor, created_at, settings::text FROM deployment_history
                WHERE deployment_id = ? AND generation = ?""", statement -> {
            statement.setObject(1, deploymentId);
            statement.setInt(2, generation);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(entry(rows)) : Optional.empty();
            }
        });
    }

    private HistoryEntry entry(ResultSet rows) throws SQLException {
        try {
            return new HistoryEntry(rows.getInt(1), rows.getString(2), rows.getString(3),
                    rows.getObject(4, OffsetDateTime.class).toInstant(), json.readValue(rows.getString(5), SETTINGS));
        } catch (IOException e) {
            throw new UncheckedIOException("Stored deployment settings are not readable", e);
        }
    }

    private String toJson(Map<String, Object> settings) {
        try {
            return json.writeValueAsString(settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
