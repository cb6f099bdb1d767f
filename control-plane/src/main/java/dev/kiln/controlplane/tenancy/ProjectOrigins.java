package dev.kiln.controlplane.tenancy;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.data.connection.annotation.Connectable;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The origins each project allows for CORS (projects.allowed_origins, V36). Kept out of the {@link Project} entity
 * so that saving a project never writes them by accident.
 */
@Singleton
public class ProjectOrigins {

    private final JdbcOperations jdbc;

    ProjectOrigins(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** Every project that allows some origin, with them. */
    @Connectable
    public Map<UUID, List<String>> allowing() {
        return read("SELECT id, allowed_origins FROM projects WHERE cardinality(allowed_origins) > 0", null);
    }

    @Connectable
    Map<UUID, List<String>> of(Collection<UUID> projectIds) {
        return read("SELECT id, allowed_origins FROM projects WHERE id = ANY(?)", projectIds);
    }

    @Transactional
    void set(UUID projectId, List<String> origins) {
        jdbc.prepareStatement("UPDATE projects SET allowed_origins = ? WHERE id = ?", statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("text", origins.toArray()));
            statement.setObject(2, projectId);
            return statement.executeUpdate();
        });
    }

    private Map<UUID, List<String>> read(String sql, Collection<UUID> ids) {
        return jdbc.prepareStatement(sql, statement -> {
            if (ids != null) {
                statement.setArray(1, statement.getConnection().createArrayOf("uuid", ids.toArray()));
            }
            Map<UUID, List<String>> origins = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    origins.put(rows.getObject(1, UUID.class), strings(rows.getArray(2)));
                }
            }
            return origins;
        });
    }

    private static List<String> strings(Array array) throws SQLException {
        return List.of((String[]) array.getArray());
    }
}
