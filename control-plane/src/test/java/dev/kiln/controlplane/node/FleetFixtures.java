package dev.kiln.controlplane.node;

import dev.kiln.controlplane.common.Secrets;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;

import javax.sql.DataSource;
import io.micronaut.core.annotation.Nullable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Rows the fleet tests need, written with plain SQL so they depend only on the schema. */
public final class FleetFixtures {

    public static final String DESCRIPTOR = """
            {"task":"object_detection","input":{"name":"images","layout":"NCHW","height":320,"width":320,
             "colorOrder":"RGB","scale":0.00392156862745098,"mean":[],"std":[],"dtype":"float32",
             "resize":"stretch","dynamicBatch":false},"outputAdapter":"torchvision",
             "outputs":{"boxes":"boxes","labels":"labels","scores":"scores"},"labels":{"1":"person"},"options":{}}""";

    private final DataSource dataSource;

    public FleetFixtures(DataSource dataSource) {
        // The raw pool: fixtures run outside any transaction of the application.
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** Registers a new node in-process (no join token, no HTTP) and returns its credentials. */
    public static NodeCredentials admit(NodeRegistry registry, NodeRegistration registration) {
        return admit(registry, registration, null);
    }

    /** Registers in-process, presenting {@code secret} (a node's current credential when it re-registers). */
    public static NodeCredentials admit(NodeRegistry registry, NodeRegistration registration,
                                        @Nullable String secret) {
        return switch (registry.register(registration, secret, "127.0.0.1")) {
            case RegistrationOutcome.Admitted admitted -> admitted.credentials();
            case RegistrationOutcome.Refused refused -> throw new IllegalStateException(refused.message());
        };
    }

    public void wipe() {
        update("TRUNCATE instances, deployments, node_gpus, nodes, project_keys, model_versions, models, "
                + "artifact_chunks, artifacts, projects, organizations, gpu_types CASCADE");
    }

    public UUID project() {
        UUID org = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        update("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, now())", org, "org-" + org);
        update("INSERT INTO projects (id, organization_id, name, created_at) VALUES (?, ?, ?, now())",
                project, org, "project-" + project);
        return project;
    }

    /** Stores {@code bytes} as an artifact (in two chunks when possible) and a model version pointing at it. */
    public ModelVersionRow modelVersion(UUID projectId, byte[] bytes) {
        String sha256 = HexFormat.of().formatHex(Secrets.sha256().digest(bytes));
        int half = bytes.length / 2;
        List<byte[]> chunks = half == 0 ? List.of(bytes)
                : List.of(java.util.Arrays.copyOfRange(bytes, 0, half),
                java.util.Arrays.copyOfRange(bytes, half, bytes.length));
        update("INSERT INTO artifacts (sha256, size_bytes, chunks, created_at) VALUES (?, ?, ?, now()) "
                + "ON CONFLICT DO NOTHING", sha256, (long) bytes.length, chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            update("INSERT INTO artifact_chunks (sha256, seq, data) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    sha256, i, chunks.get(i));
        }
        UUID model = UUID.randomUUID();
        UUID version = UUID.randomUUID();
        update("INSERT INTO models (id, project_id, name, task, created_at) VALUES (?, ?, ?, 'object_detection', now())",
                model, projectId, "model-" + model);
        update("INSERT INTO model_versions (id, model_id, version_tag, artifact_sha256, descriptor, created_at) "
                + "VALUES (?, ?, 'v1', ?, ?::jsonb, now())", version, model, sha256, DESCRIPTOR);
        return new ModelVersionRow(version, sha256, "model-" + model);
    }

    public record ModelVersionRow(UUID id, String sha256, String modelName) {
    }

    public UUID cpuDeployment(UUID projectId, UUID modelVersionId, int instances) {
        return deployment(projectId, modelVersionId, instances, "CPU", null, 0);
    }

    public UUID deployment(UUID projectId, UUID modelVersionId, int instances, String resourceType, String gpuType,
                           int gpusPerInstance) {
        UUID id = UUID.randomUUID();
        update("""
                INSERT INTO deployments (id, project_id, name, model_version_id, status, instances, resource_type,
                                         gpu_type, gpus_per_instance, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?)""",
                id, projectId, "dep-" + id, modelVersionId, instances, resourceType, gpuType, gpusPerInstance,
                Timestamp.from(Instant.now()), Timestamp.from(Instant.now()));
        return id;
    }

    /** Turns autoscaling on for a deployment, at {@code current} instances, last changed at {@code changedAt}. */
    public void autoscale(UUID deploymentId, int min, int max, double target, int scaleDownDelaySeconds, int current,
                          Instant changedAt) {
        update("""
                UPDATE deployments SET autoscale_min_instances = ?, autoscale_max_instances = ?,
                       autoscale_target_concurrency = ?, autoscale_scale_down_delay_seconds = ?,
                       autoscaled_instances = ?, autoscaled_at = ? WHERE id = ?""",
                min, max, target, scaleDownDelaySeconds, current, Timestamp.from(changedAt), deploymentId);
    }

    /** A node's 10-second stats window of one instance: the most requests in flight, and how many it served. */
    public void window(UUID instanceId, UUID deploymentId, Instant start, int maxConcurrency, long requests) {
        update("""
                INSERT INTO stats_windows (source, start, deployment_id, seconds, requests, errors_4xx, errors_5xx,
                                           max_concurrency, max_queue_depth) VALUES (?, ?, ?, 10, ?, 0, 0, ?, 0)""",
                instanceId, Timestamp.from(start), deploymentId, requests, maxConcurrency);
    }

    /** A project key; {@code scope} null means every deployment of the project. Returns the secret. */
    public String key(UUID projectId, Set<UUID> scope) {
        String secret = "kiln_" + Secrets.randomBase64Url(32);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     INSERT INTO project_keys (id, project_id, name, prefix, secret_hash, deployment_ids, created_at)
                     VALUES (?, ?, 'test', ?, ?, ?, now())""")) {
            statement.setObject(1, UUID.randomUUID());
            statement.setObject(2, projectId);
            statement.setString(3, secret.substring(0, 12));
            statement.setString(4, Secrets.sha256Hex(secret));
            statement.setArray(5, scope == null ? null : connection.createArrayOf("uuid", scope.toArray()));
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return secret;
    }

    public void update(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** First column of every row. */
    public <T> List<T> column(String sql, Class<T> type, Object... params) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(rows.getObject(1, type));
                }
                return result;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public <T> T single(String sql, Class<T> type, Object... params) {
        List<T> values = column(sql, type, params);
        if (values.size() != 1) {
            throw new IllegalStateException("expected one row, got " + values.size() + ": " + sql);
        }
        return values.getFirst();
    }

    private static void bind(PreparedStatement statement, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }
}
