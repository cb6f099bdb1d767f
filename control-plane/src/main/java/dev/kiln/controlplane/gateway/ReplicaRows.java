package dev.kiln.controlplane.gateway;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;

/** The SQL of {@link LiveReplicas}: the heartbeat rows in {@code gateway_replicas}. */
@Singleton
class ReplicaRows {

    private final JdbcOperations jdbc;

    ReplicaRows(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One statement: refresh this replica's row, drop rows long dead, count the others seen within {@code timeout}
     * (the CTEs' writes are not visible to the count, hence "others + 1"). The database's clock stamps the rows, so
     * replicas with skewed clocks still agree.
     */
    @Transactional
    int beat(UUID id, Duration timeout) {
        double timeoutSeconds = timeout.toMillis() / 1000.0;
        return jdbc.prepareStatement("""
                WITH beat AS (INSERT INTO gateway_replicas (id, seen_at) VALUES (?, now())
                              ON CONFLICT (id) DO UPDATE SET seen_at = now()),
                     gone AS (DELETE FROM gateway_replicas WHERE seen_at < now() - make_interval(secs => ?) * 10)
                SELECT count(*) + 1 FROM gateway_replicas
                WHERE id <> ? AND seen_at > now() - make_interval(secs => ?)""", s -> {
            s.setObject(1, id);
            s.setDouble(2, timeoutSeconds);
            s.setObject(3, id);
            s.setDouble(4, timeoutSeconds);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }

    @Transactional
    void leave(UUID id) {
        jdbc.prepareStatement("DELETE FROM gateway_replicas WHERE id = ?", s -> {
            s.setObject(1, id);
            return s.executeUpdate();
        });
    }
}
