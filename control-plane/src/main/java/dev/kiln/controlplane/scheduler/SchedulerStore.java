package dev.kiln.controlplane.scheduler;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/** The scheduler's own writes to deployments: derived status, and the final removal of a deleted one. */
@Singleton
public class SchedulerStore {

    private final JdbcOperations jdbc;

    SchedulerStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Sets the derived status without touching updated_at (that records configuration changes, which the
     * reconciler compares with instances). online_since is set the first time the deployment is ONLINE.
     * A deployment being deleted keeps DELETING.
     */
    public void updateStatus(UUID id, String status, @Nullable String reason, Instant now) {
        update("""
                UPDATE deployments SET status = ?, status_reason = ?,
                       online_since = CASE WHEN ? = 'ONLINE' THEN COALESCE(online_since, ?) ELSE online_since END
                WHERE id = ? AND status <> 'DELETING'""", statement -> {
            statement.setString(1, status);
            statement.setString(2, reason);
            statement.setString(3, status);
            statement.setTimestamp(4, Timestamp.from(now));
            statement.setObject(5, id);
        });
    }

    /** Removes a deleted deployment's row once it has no instance left. */
    public boolean deleteIfEmpty(UUID id) {
        return update("""
                DELETE FROM deployments d WHERE d.id = ? AND d.status = 'DELETING'
                AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.deployment_id = d.id)""",
                statement -> statement.setObject(1, id)) == 1;
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws java.sql.SQLException;
    }

    private int update(String sql, Binder binder) {
        return jdbc.execute(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                return statement.executeUpdate();
            }
        });
    }
}
