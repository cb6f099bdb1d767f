package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.common.Times;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import org.HdrHistogram.Histogram;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The stats store's periodic work ({@link StatsJobs} runs it), done by one replica at a time (a transaction-scoped advisory lock; the others
 * skip the round): roll raw windows and node samples up into minutes (histograms merged), prune what is past its
 * retention, and extend the spans recording readiness and placement.
 */
@Singleton
class StatsMaintenance {

    /** "kilnstat" and "kilnspan" as 64-bit numbers: the advisory locks of the two jobs. */
    private static final long ROLLUP_LOCK = 0x6b696c6e73746174L;
    private static final long OBSERVE_LOCK = 0x6b696c6e7370616eL;
    /** At most this much raw data is rolled up per transaction, so a long backlog is worked off in steps. */
    private static final Duration CHUNK = Duration.ofHours(1);

    private final JdbcOperations jdbc;
    private final TransactionOperations<Connection> tx;
    private final Spans spans;
    private final JsonMapper json;
    private final StatsConfig config;
    private final Clock clock;

    StatsMaintenance(JdbcOperations jdbc, TransactionOperations<Connection> tx, Spans spans, JsonMapper json,
                     StatsConfig config, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.spans = spans;
        this.json = json;
        this.config = config;
        this.clock = clock;
    }

    /** Records which deployments are ready and where they run, now; false when another replica is doing it. */
    boolean observe() {
        Instant now = Times.now(clock);
        return tx.executeWrite(status -> {
            if (!tryLock(OBSERVE_LOCK)) {
                return false;
            }
            spans.observe(now, config.observeInterval().multipliedBy(3));
            return true;
        });
    }

    /** Rolls up every complete minute not yet rolled up, then prunes; false when another replica is doing it. */
    boolean rollUpAndPrune() {
        Instant now = Times.now(clock);
        Instant target = now.minus(config.rollupGrace()).truncatedTo(ChronoUnit.MINUTES);
        boolean more = true;
        while (more) {
            Boolean done = tx.executeWrite(status -> {
                if (!tryLock(ROLLUP_LOCK)) {
                    return null;
                }
                Instant from = rolledUpTo();
                Instant until = from.plus(CHUNK).isBefore(target) ? from.plus(CHUNK) : target;
                if (!until.isAfter(from)) {
                    return true;
                }
                rollUpWindows(from, until);
                rollUpSamples(from, until);
                update("UPDATE stats_rollup_state SET rolled_up_to = ? WHERE id = 1", Timestamp.from(until));
                return !until.isBefore(target);
            });
            if (done == null) {
                return false;
            }
            more = !done;
        }
        tx.executeWrite(status -> {
            if (!tryLock(ROLLUP_LOCK)) {
                return null;
            }
            prune(now);
            return null;
        });
        return true;
    }

    private void prune(Instant now) {
        // Raw rows not yet rolled up stay, whatever their age: the minutes are made from them.
        Timestamp raw = Timestamp.from(earlier(now.minus(config.rawRetention()), rolledUpTo()));
        Timestamp rolled = Timestamp.from(now.minus(config.rollupRetention()));
        update("DELETE FROM stats_windows WHERE start < ?", raw);
        update("DELETE FROM node_samples WHERE start < ?", raw);
        update("DELETE FROM stats_minutes WHERE start < ?", rolled);
        update("DELETE FROM node_sample_minutes WHERE start < ?", rolled);
        update("DELETE FROM deployment_spans WHERE ended < ?", rolled);
        update("DELETE FROM deployment_events WHERE at < ?", rolled);
    }

    /** Per deployment and minute: counts summed, histograms merged, concurrency the highest window total. */
    private void rollUpWindows(Instant from, Instant until) {
        record Minute(UUID deploymentId, Instant start) {
        }
        final class Acc {
            long requests;
            long errors4xx;
            long errors5xx;
            long evaluations;
            int maxQueueDepth;
            final Map<Instant, Integer> concurrencyByWindow = new HashMap<>();
            final Histogram queue = Histograms.empty();
            final Histogram inference = Histograms.empty();
            final Histogram total = Histograms.empty();
        }
        Map<Minute, Acc> minutes = new LinkedHashMap<>();
        jdbc.prepareStatement("""
                SELECT deployment_id, start, requests, errors_4xx, errors_5xx, max_concurrency, max_queue_depth,
                       queue_histogram, inference_histogram, total_histogram, evaluations
                FROM stats_windows WHERE start >= ? AND start < ?""", statement -> {
            statement.setTimestamp(1, Timestamp.from(from));
            statement.setTimestamp(2, Timestamp.from(until));
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    Instant start = r.getObject(2, OffsetDateTime.class).toInstant();
                    Acc acc = minutes.computeIfAbsent(new Minute(r.getObject(1, UUID.class),
                            start.truncatedTo(ChronoUnit.MINUTES)), m -> new Acc());
                    acc.requests += r.getLong(3);
                    acc.errors4xx += r.getLong(4);
                    acc.errors5xx += r.getLong(5);
                    acc.concurrencyByWindow.merge(start, r.getInt(6), Integer::sum);
                    acc.maxQueueDepth = Math.max(acc.maxQueueDepth, r.getInt(7));
                    Histograms.mergeInto(acc.queue, r.getBytes(8));
                    Histograms.mergeInto(acc.inference, r.getBytes(9));
                    Histograms.mergeInto(acc.total, r.getBytes(10));
                    acc.evaluations += r.getLong(11);
                }
            }
            return null;
        });
        if (minutes.isEmpty()) {
            return;
        }
        jdbc.prepareStatement("""
                INSERT INTO stats_minutes (deployment_id, start, requests, errors_4xx, errors_5xx, max_concurrency,
                                           max_queue_depth, queue_histogram, inference_histogram, total_histogram,
                                           evaluations)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM deployments WHERE id = ?)
                ON CONFLICT (deployment_id, start) DO UPDATE SET requests = excluded.requests,
                    errors_4xx = excluded.errors_4xx, errors_5xx = excluded.errors_5xx,
                    max_concurrency = excluded.max_concurrency, max_queue_depth = excluded.max_queue_depth,
                    queue_histogram = excluded.queue_histogram, inference_histogram = excluded.inference_histogram,
                    total_histogram = excluded.total_histogram, evaluations = excluded.evaluations""",
                statement -> {
            for (Map.Entry<Minute, Acc> e : minutes.entrySet()) {
                Acc acc = e.getValue();
                statement.setObject(1, e.getKey().deploymentId());
                statement.setTimestamp(2, Timestamp.from(e.getKey().start()));
                statement.setLong(3, acc.requests);
                statement.setLong(4, acc.errors4xx);
                statement.setLong(5, acc.errors5xx);
                statement.setInt(6, acc.concurrencyByWindow.values().stream().mapToInt(Integer::intValue).max().orElse(0));
                statement.setInt(7, acc.maxQueueDepth);
                statement.setBytes(8, Histograms.encode(acc.queue));
                statement.setBytes(9, Histograms.encode(acc.inference));
                statement.setBytes(10, Histograms.encode(acc.total));
                statement.setLong(11, acc.evaluations);
                statement.setObject(12, e.getKey().deploymentId());
                statement.addBatch();
            }
            statement.executeBatch();
            return null;
        });
    }

    /** Per node and minute: CPU, memory and each GPU's figures averaged over the minute's samples. */
    private void rollUpSamples(Instant from, Instant until) {
        record Minute(UUID nodeId, Instant start) {
        }
        Map<Minute, List<NodeUsage>> minutes = new LinkedHashMap<>();
        jdbc.prepareStatement("""
                SELECT node_id, start, cpu_percent, memory_bytes, gpus::text FROM node_samples
                WHERE start >= ? AND start < ?""", statement -> {
            statement.setTimestamp(1, Timestamp.from(from));
            statement.setTimestamp(2, Timestamp.from(until));
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    Instant start = r.getObject(2, OffsetDateTime.class).toInstant();
                    minutes.computeIfAbsent(new Minute(r.getObject(1, UUID.class), start.truncatedTo(ChronoUnit.MINUTES)),
                            m -> new ArrayList<>()).add(NodeUsage.of(json, r.getDouble(3), r.getLong(4), r.getString(5)));
                }
            }
            return null;
        });
        if (minutes.isEmpty()) {
            return;
        }
        jdbc.prepareStatement("""
                INSERT INTO node_sample_minutes (node_id, start, cpu_percent, memory_bytes, gpus)
                SELECT ?, ?, ?, ?, ?::jsonb WHERE EXISTS (SELECT 1 FROM nodes WHERE id = ?)
                ON CONFLICT (node_id, start) DO UPDATE SET cpu_percent = excluded.cpu_percent,
                    memory_bytes = excluded.memory_bytes, gpus = excluded.gpus""", statement -> {
            for (Map.Entry<Minute, List<NodeUsage>> e : minutes.entrySet()) {
                NodeUsage mean = NodeUsage.mean(e.getValue());
                statement.setObject(1, e.getKey().nodeId());
                statement.setTimestamp(2, Timestamp.from(e.getKey().start()));
                statement.setDouble(3, mean.cpuPercent());
                statement.setLong(4, mean.memoryBytes());
                statement.setString(5, mean.gpusJson(json));
                statement.setObject(6, e.getKey().nodeId());
                statement.addBatch();
            }
            statement.executeBatch();
            return null;
        });
    }

    private Instant rolledUpTo() {
        return jdbc.prepareStatement("SELECT rolled_up_to FROM stats_rollup_state WHERE id = 1", statement -> {
            try (ResultSet r = statement.executeQuery()) {
                r.next();
                return r.getObject(1, OffsetDateTime.class).toInstant();
            }
        });
    }

    private boolean tryLock(long key) {
        return jdbc.prepareStatement("SELECT pg_try_advisory_xact_lock(?)", statement -> {
            statement.setLong(1, key);
            try (ResultSet r = statement.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        });
    }

    private void update(String sql, Timestamp at) {
        jdbc.prepareStatement(sql, statement -> {
            statement.setTimestamp(1, at);
            return statement.executeUpdate();
        });
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
