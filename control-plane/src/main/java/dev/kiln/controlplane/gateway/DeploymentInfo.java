package dev.kiln.controlplane.gateway;

import dev.kiln.protocol.InputSpec;
import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.InternalPaths;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * {@code GET /{id}/info}: what a client needs to know to call a deployment, read from the database (so it answers
 * before any instance is ready). Not on the prediction path, so one query per call is fine; it runs on the blocking
 * pool, never on the event loop.
 */
@Singleton
class DeploymentInfo {

    private static final String SQL = """
            SELECT d.name, d.status, d.max_batch_size, d.max_queue_delay_ms, d.timeout_ms, d.max_queue,
                   m.name AS model_name, mv.version_tag, mv.descriptor::text AS descriptor, q.effective_max_queue,
                   q.max_queue_clamped_by
            FROM deployments d
            -- The shortest bound a ready instance applies: what a caller can count on.
            LEFT JOIN LATERAL (SELECT i.effective_max_queue, i.max_queue_clamped_by FROM instances i
                               WHERE i.deployment_id = d.id AND i.status = 'READY'
                                 AND i.effective_max_queue IS NOT NULL
                               ORDER BY i.effective_max_queue LIMIT 1) q ON true
            JOIN model_versions mv ON mv.id = d.model_version_id
            JOIN models m ON m.id = mv.model_id
            WHERE d.id = ? AND d.status <> 'DELETING'""";

    @Serdeable
    record Model(String name, String versionTag, @Nullable String task) {
    }

    /** @param dynamicBatch whether the model accepts more than one image per run (batching possible at all) */
    @Serdeable
    record Batching(int maxBatchSize, int maxQueueDelayMs, boolean dynamicBatch) {
    }

    /**
     * @param maxQueue          the deployment's setting
     * @param effectiveMaxQueue the shortest bound a ready instance applies (less where its node's memory does not
     *                          allow {@code maxQueue}); absent until an instance has reported it
     * @param clampedBy         {@code heap} or {@code directMemory} when memory made it shorter
     */
    @Serdeable
    record Queue(int maxQueue, @Nullable Integer effectiveMaxQueue, @Nullable String clampedBy) {
    }

    @Serdeable
    record Body(UUID deploymentId, String name, String status, Model model, Map<Integer, String> labels,
                InputSpec input, String outputAdapter, Map<String, String> outputs, Batching batching, Queue queue,
                int timeoutMs, int readyInstances) {
    }

    private final JdbcOperations jdbc;
    private final ExecutorService blocking;
    private final JsonMapper json;

    DeploymentInfo(JdbcOperations jdbc, @Named(TaskExecutors.BLOCKING) ExecutorService blocking, JsonMapper json) {
        this.jdbc = jdbc;
        this.blocking = blocking;
        this.json = json;
    }

    /** 200 with the body; 404 when the deployment has gone since the routing table was read. */
    CompletableFuture<HttpResponse<?>> answer(Route route, String predictId) {
        return read(route).thenApply(body -> body.<HttpResponse<?>>map(b -> HttpResponse.ok(b)
                        .header(InternalPaths.PREDICT_ID_HEADER, predictId))
                .orElseGet(() -> Gateway.notFound(route.deploymentId().toString(), predictId)));
    }

    /** Empty when the deployment has gone since the routing table was read. */
    CompletableFuture<Optional<Body>> read(Route route) {
        return CompletableFuture.supplyAsync(() -> jdbc.execute(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(SQL)) {
                statement.setObject(1, route.deploymentId());
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? Optional.of(body(route, row)) : Optional.<Body>empty();
                }
            }
        }), blocking);
    }

    private Body body(Route route, ResultSet row) throws java.sql.SQLException {
        ModelDescriptor d;
        try {
            d = json.readValue(row.getString("descriptor"), ModelDescriptor.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Stored descriptor of deployment " + route.deploymentId() + " is unreadable", e);
        }
        return new Body(route.deploymentId(), row.getString("name"), row.getString("status"),
                new Model(row.getString("model_name"), row.getString("version_tag"),
                        d.task() == null ? null : d.task().json()),
                d.labels() == null ? Map.of() : d.labels(), d.input(), d.outputAdapter(),
                d.outputs() == null ? Map.of() : d.outputs(),
                new Batching(row.getInt("max_batch_size"), row.getInt("max_queue_delay_ms"),
                        d.input() != null && d.input().dynamicBatch()),
                new Queue(row.getInt("max_queue"), row.getObject("effective_max_queue", Integer.class),
                        row.getString("max_queue_clamped_by")),
                row.getInt("timeout_ms"), route.ready().size());
    }
}
