package dev.kiln.controlplane.stats;

import dev.kiln.protocol.GpuUsage;
import dev.kiln.protocol.NodeSample;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Writes of raw windows and node samples; the caller holds the transaction. */
@Singleton
class StatsStore {

    /** A window ready to store: counts as sent, histograms as compressed bytes. */
    record Window(UUID source, UUID deploymentId, Instant start, int seconds, long requests, long errors4xx,
                  long errors5xx, int maxConcurrency, int maxQueueDepth, byte @Nullable [] queue,
                  byte @Nullable [] inference, byte @Nullable [] total, long evaluations) {
    }

    // A window of a deployment that no longer exists is dropped (WHERE EXISTS), not an error: the node resends
    // what it was not acknowledged, so failing here would make it resend that window forever.
    private static final String INSERT_WINDOW = """
            INSERT INTO stats_windows (source, start, deployment_id, seconds, requests, errors_4xx, errors_5xx,
                                       max_concurrency, max_queue_depth, queue_histogram, inference_histogram,
                                       total_histogram, model_version_id, evaluations)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT model_version_id FROM instances WHERE id = ?), ?
            WHERE EXISTS (SELECT 1 FROM deployments WHERE id = ?)
            ON CONFLICT (source, start) DO\s""";
    private static final String IDEMPOTENT = INSERT_WINDOW + "NOTHING";
    /** The gateway flushes each of its windows once, but a refusal counted late may follow into the same one. */
    private static final String ADDITIVE = INSERT_WINDOW + """
            UPDATE SET requests = stats_windows.requests + excluded.requests,
                       errors_4xx = stats_windows.errors_4xx + excluded.errors_4xx,
                       errors_5xx = stats_windows.errors_5xx + excluded.errors_5xx""";

    private final JdbcOperations jdbc;
    private final JsonMapper json;

    StatsStore(JdbcOperations jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Stores each window once per (source, start); {@code additive} adds to a window already stored instead. */
    void insertWindows(Collection<Window> windows, boolean additive) {
        if (windows.isEmpty()) {
            return;
        }
        jdbc.prepareStatement(additive ? ADDITIVE : IDEMPOTENT, statement -> {
            for (Window w : windows) {
                statement.setObject(1, w.source());
                statement.setTimestamp(2, Timestamp.from(w.start()));
                statement.setObject(3, w.deploymentId());
                statement.setInt(4, w.seconds());
                statement.setLong(5, w.requests());
                statement.setLong(6, w.errors4xx());
                statement.setLong(7, w.errors5xx());
                statement.setInt(8, w.maxConcurrency());
                statement.setInt(9, w.maxQueueDepth());
                statement.setBytes(10, w.queue());
                statement.setBytes(11, w.inference());
                statement.setBytes(12, w.total());
                statement.setObject(13, w.source()); // an instance's window carries its model version
                statement.setLong(14, w.evaluations());
                statement.setObject(15, w.deploymentId());
                statement.addBatch();
            }
            statement.executeBatch();
            return null;
        });
        reopen(windows.stream().map(Window::start).min(Instant::compareTo).orElseThrow());
    }

    void insertSamples(UUID nodeId, List<NodeSample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        jdbc.prepareStatement("""
                INSERT INTO node_samples (node_id, start, seconds, cpu_percent, memory_bytes, gpus)
                VALUES (?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (node_id, start) DO NOTHING""", statement -> {
            for (NodeSample sample : samples) {
                statement.setObject(1, nodeId);
                statement.setTimestamp(2, Timestamp.from(sample.start()));
                statement.setInt(3, sample.seconds());
                statement.setDouble(4, sample.cpuPercent());
                statement.setLong(5, sample.memoryBytes());
                statement.setString(6, gpusJson(sample.gpus() == null ? List.of() : sample.gpus()));
                statement.addBatch();
            }
            statement.executeBatch();
            return null;
        });
        reopen(samples.stream().map(NodeSample::start).min(Instant::compareTo).orElseThrow());
    }

    /** A window older than the rollup mark sends the mark back, so its minute is rolled up again from raw. */
    private void reopen(Instant earliest) {
        Timestamp minute = Timestamp.from(earliest.truncatedTo(ChronoUnit.MINUTES));
        jdbc.prepareStatement("UPDATE stats_rollup_state SET rolled_up_to = ? WHERE id = 1 AND rolled_up_to > ?",
                statement -> {
                    statement.setTimestamp(1, minute);
                    statement.setTimestamp(2, minute);
                    return statement.executeUpdate();
                });
    }

    String gpusJson(List<GpuUsage> gpus) {
        try {
            return json.writeValueAsString(gpus);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
