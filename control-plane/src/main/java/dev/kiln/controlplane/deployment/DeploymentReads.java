package dev.kiln.controlplane.deployment;

import dev.kiln.controlplane.deployment.Views.InstanceView;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Read-side joins for the deployment JSON: version tag, ready instance count, instances with node address. */
@Singleton
class DeploymentReads {

    /** What the deployment JSON adds to the row. */
    record Extras(String versionTag, int readyInstances) {
    }

    private final JdbcOperations jdbc;

    DeploymentReads(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @ReadOnly
    Map<UUID, Extras> extras(Collection<UUID> deploymentIds) {
        if (deploymentIds.isEmpty()) {
            return Map.of();
        }
        return jdbc.prepareStatement("""
                SELECT d.id, mv.version_tag,
                       (SELECT count(*) FROM instances i WHERE i.deployment_id = d.id AND i.status = 'READY') AS ready
                FROM deployments d JOIN model_versions mv ON mv.id = d.model_version_id
                WHERE d.id = ANY(?)""", statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("uuid", deploymentIds.toArray()));
            Map<UUID, Extras> extras = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    extras.put(rows.getObject(1, UUID.class), new Extras(rows.getString(2), rows.getInt(3)));
                }
            }
            return extras;
        });
    }

    @ReadOnly
    List<InstanceView> instances(UUID deploymentId) {
        return jdbc.prepareStatement("""
                SELECT i.id, i.deployment_id, i.generation, i.node_id, n.address, i.gpu_indices, i.status, i.error,
                       i.created_at, i.updated_at, i.model_version_id, mv.version_tag, i.shadow
                FROM instances i LEFT JOIN nodes n ON n.id = i.node_id
                JOIN model_versions mv ON mv.id = i.model_version_id
                WHERE i.deployment_id = ? ORDER BY i.created_at, i.id""", statement -> {
            statement.setObject(1, deploymentId);
            List<InstanceView> instances = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    instances.add(instance(rows));
                }
            }
            return instances;
        });
    }

    private static InstanceView instance(ResultSet rows) throws SQLException {
        Array gpus = rows.getArray(6);
        List<Integer> gpuIndices = gpus == null ? List.of() : Arrays.asList((Integer[]) gpus.getArray());
        return new InstanceView(rows.getObject(1, UUID.class), rows.getObject(2, UUID.class), rows.getInt(3),
                rows.getObject(4, UUID.class), rows.getString(5), gpuIndices, rows.getString(7), rows.getString(8),
                rows.getObject(9, OffsetDateTime.class).toInstant(), rows.getObject(10, OffsetDateTime.class).toInstant(),
                rows.getObject(11, UUID.class), rows.getString(12), rows.getBoolean(13));
    }
}
