package dev.kiln.controlplane.gateway;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The SQL of {@link Activator}: which deployments are autoscaled, and this replica's rows in deployment_demand. */
@Singleton
class DemandRows {

    private final JdbcOperations jdbc;

    DemandRows(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    Set<UUID> autoscaled() {
        return jdbc.prepareStatement("""
                SELECT id FROM deployments WHERE autoscale_max_instances IS NOT NULL AND status <> 'DELETING'""", s -> {
            Set<UUID> ids = new HashSet<>();
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
            return ids;
        });
    }

    /** Writes what this replica holds per deployment now (stamped by the database's clock); a 0 removes the row. */
    @Transactional
    void report(UUID replica, Map<UUID, Integer> held) {
        jdbc.prepareStatement("""
                INSERT INTO deployment_demand (deployment_id, replica_id, held, seen_at)
                SELECT ?, ?, ?, now() WHERE EXISTS (SELECT 1 FROM deployments WHERE id = ?)
                ON CONFLICT (deployment_id, replica_id) DO UPDATE SET held = excluded.held, seen_at = now()""", s -> {
            for (var entry : held.entrySet()) {
                if (entry.getValue() > 0) {
                    s.setObject(1, entry.getKey());
                    s.setObject(2, replica);
                    s.setInt(3, entry.getValue());
                    s.setObject(4, entry.getKey());
                    s.addBatch();
                }
            }
            return s.executeBatch();
        });
        jdbc.prepareStatement("DELETE FROM deployment_demand WHERE replica_id = ? AND deployment_id = ANY(?)", s -> {
            s.setObject(1, replica);
            s.setArray(2, s.getConnection().createArrayOf("uuid", held.entrySet().stream()
                    .filter(e -> e.getValue() == 0).map(Map.Entry::getKey).toArray()));
            return s.executeUpdate();
        });
    }
}
