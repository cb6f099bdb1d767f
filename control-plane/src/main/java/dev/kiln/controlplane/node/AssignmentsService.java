package dev.kiln.controlplane.node;

import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.Assignments;
import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.ServingSettings;
import dev.kiln.protocol.CaptureGroup;
import io.micronaut.core.type.Argument;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Builds a node's desired state: every instance it should run, with the model and serving settings. */
@Singleton
public class AssignmentsService {

    // LOST instances were taken away from the node; DELETING deployments are being torn down.
    private static final String SQL = """
            SELECT i.id, i.deployment_id, i.gpu_indices, i.model_version_id, m.name AS model_name, mv.version_tag,
                   mv.artifact_sha256, a.size_bytes, mv.descriptor::text AS descriptor, d.max_batch_size,
                   d.max_queue_delay_ms, d.max_queue, d.timeout_ms, d.evaluation_strategy, d.evaluation_threshold,
                   d.capture_groups
            FROM instances i
            JOIN deployments d ON d.id = i.deployment_id
            JOIN model_versions mv ON mv.id = i.model_version_id
            JOIN models m ON m.id = mv.model_id
            JOIN artifacts a ON a.sha256 = mv.artifact_sha256
            WHERE i.node_id = ? AND i.status <> 'LOST' AND d.status <> 'DELETING'
            ORDER BY i.created_at, i.id""";

    private final NodeRepository nodes;
    private final JdbcOperations jdbc;
    private final TransactionOperations<Connection> tx;
    private final JsonMapper json;

    AssignmentsService(NodeRepository nodes, JdbcOperations jdbc, TransactionOperations<Connection> tx,
                       JsonMapper json) {
        this.nodes = nodes;
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
    }

    /**
     * Reads the version before the instances: if a change lands in between, the node gets the newer set
     * under the older version and simply pulls once more, which is harmless; the reverse order could hide
     * a change.
     */
    public Assignments load(UUID nodeId) {
        return tx.executeRead(status -> {
            long version = nodes.findAssignmentsVersion(nodeId).orElse(0L);
            List<Assignment> instances = jdbc.execute(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(SQL)) {
                    statement.setObject(1, nodeId);
                    try (ResultSet rows = statement.executeQuery()) {
                        List<Assignment> result = new ArrayList<>();
                        while (rows.next()) {
                            result.add(assignment(rows));
                        }
                        return result;
                    }
                }
            });
            return new Assignments(version, instances);
        });
    }

    private Assignment assignment(ResultSet row) throws SQLException {
        ServingSettings settings = new ServingSettings(row.getInt("max_batch_size"), row.getInt("max_queue_delay_ms"),
                row.getInt("max_queue"), row.getInt("timeout_ms"), row.getString("evaluation_strategy"),
                row.getDouble("evaluation_threshold"), captureGroups(row.getString("capture_groups")));
        return new Assignment(row.getObject("id", UUID.class), row.getObject("deployment_id", UUID.class),
                row.getObject("model_version_id", UUID.class), row.getString("model_name"),
                row.getString("version_tag"), row.getString("artifact_sha256"), row.getLong("size_bytes"),
                descriptor(row.getString("descriptor")), gpuIndices(row.getArray("gpu_indices")), settings);
    }

    private ModelDescriptor descriptor(String text) {
        try {
            return json.readValue(text, ModelDescriptor.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Stored model descriptor is not readable", e);
        }
    }

    private List<CaptureGroup> captureGroups(String text) {
        try {
            return json.readValue(text, Argument.listOf(CaptureGroup.class));
        } catch (IOException e) {
            throw new UncheckedIOException("Stored capture groups are not readable", e);
        }
    }

    private static List<Integer> gpuIndices(Array array) throws SQLException {
        return array == null ? List.of() : List.copyOf(Arrays.asList((Integer[]) array.getArray()));
    }
}
