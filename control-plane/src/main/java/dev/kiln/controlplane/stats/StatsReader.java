package dev.kiln.controlplane.stats;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.HdrHistogram.Histogram;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Reads stored windows and samples into buckets of a time grid. A range that lies within the raw retention is
 * read from the raw 10-second rows; a longer one from the minute rollups up to the rollup mark and from the raw
 * rows after it (the grid is then whole minutes, so no minute straddles two buckets).
 */
@Singleton
class StatsReader {

    /** A time grid: bucket i covers [from + i·step, from + (i+1)·step), the last one cut at {@code to}. */
    record Grid(Instant from, Instant to, long stepMillis) {

        int size() {
            return (int) ((to.toEpochMilli() - from.toEpochMilli() + stepMillis - 1) / stepMillis);
        }

        int bucket(Instant at) {
            return (int) ((at.toEpochMilli() - from.toEpochMilli()) / stepMillis);
        }

        Instant start(int bucket) {
            return from.plusMillis(bucket * stepMillis);
        }
    }

    /** Request figures of one deployment per bucket, and over the whole grid. */
    static final class Requests {
        final long[] requests;
        final long[] errors4xx;
        final long[] errors5xx;
        final long[] evaluations;
        final int[] concurrency;
        final Histogram[] total;
        final Histogram overall = Histograms.empty();
        /** Per bucket, the in-flight total of each window (summed over the sources) — the bucket's peak is its max. */
        private final List<Map<Instant, Integer>> concurrencyByWindow = new ArrayList<>();

        Requests(int size) {
            requests = new long[size];
            errors4xx = new long[size];
            errors5xx = new long[size];
            evaluations = new long[size];
            concurrency = new int[size];
            total = new Histogram[size];
            for (int i = 0; i < size; i++) {
                total[i] = Histograms.empty();
                concurrencyByWindow.add(new HashMap<>());
            }
        }

        long sum(long[] values) {
            long sum = 0;
            for (long v : values) {
                sum += v;
            }
            return sum;
        }

        private void add(int bucket, Instant window, long requests, long errors4xx, long errors5xx, long evaluations,
                         int concurrency, @Nullable byte[] histogram) {
            this.requests[bucket] += requests;
            this.evaluations[bucket] += evaluations;
            this.errors4xx[bucket] += errors4xx;
            this.errors5xx[bucket] += errors5xx;
            int inFlight = concurrencyByWindow.get(bucket).merge(window, concurrency, Integer::sum);
            this.concurrency[bucket] = Math.max(this.concurrency[bucket], inFlight);
            if (histogram != null) {
                Histogram h = Histograms.decode(histogram);
                total[bucket].add(h);
                overall.add(h);
            }
        }
    }

    /** Node usage attributed to one deployment per bucket; null where no sample fell in the bucket. */
    record Usage(@Nullable Double[] cpuPercent, @Nullable Double[] memoryBytes, @Nullable Double[] gpuUtilPercent,
                 @Nullable Double[] gpuMemoryBytes) {
    }

    private final JdbcOperations jdbc;
    private final Spans spans;
    private final JsonMapper json;

    StatsReader(JdbcOperations jdbc, Spans spans, JsonMapper json) {
        this.jdbc = jdbc;
        this.spans = spans;
        this.json = json;
    }

    Instant rolledUpTo() {
        return jdbc.prepareStatement("SELECT rolled_up_to FROM stats_rollup_state WHERE id = 1", statement -> {
            try (ResultSet r = statement.executeQuery()) {
                r.next();
                return r.getObject(1, OffsetDateTime.class).toInstant();
            }
        });
    }

    /**
     * @param fromMinutes false: raw rows only; true: minute rows before {@code rolledUpTo} and raw rows from there
     */
    Map<UUID, Requests> requests(Collection<UUID> deploymentIds, Grid grid, boolean fromMinutes) {
        Map<UUID, Requests> result = new HashMap<>();
        deploymentIds.forEach(id -> result.put(id, new Requests(grid.size())));
        if (deploymentIds.isEmpty()) {
            return result;
        }
        Instant split = fromMinutes ? clamp(rolledUpTo(), grid) : grid.from();
        if (split.isAfter(grid.from())) {
            readRequests("stats_minutes", deploymentIds, grid.from(), split, grid, result);
        }
        if (grid.to().isAfter(split)) {
            readRequests("stats_windows", deploymentIds, split, grid.to(), grid, result);
        }
        return result;
    }

    private void readRequests(String table, Collection<UUID> deploymentIds, Instant from, Instant to, Grid grid,
                              Map<UUID, Requests> into) {
        jdbc.prepareStatement("SELECT deployment_id, start, requests, errors_4xx, errors_5xx, max_concurrency, "
                + "total_histogram, evaluations FROM " + table + " WHERE deployment_id = ANY(?) AND start >= ? AND start < ?",
                statement -> {
                    statement.setArray(1, statement.getConnection().createArrayOf("uuid", deploymentIds.toArray()));
                    statement.setTimestamp(2, Timestamp.from(from));
                    statement.setTimestamp(3, Timestamp.from(to));
                    try (ResultSet r = statement.executeQuery()) {
                        while (r.next()) {
                            Instant start = r.getObject(2, OffsetDateTime.class).toInstant();
                            into.get(r.getObject(1, UUID.class)).add(grid.bucket(start), start, r.getLong(3),
                                    r.getLong(4), r.getLong(5), r.getLong(8), r.getInt(6), r.getBytes(7));
                        }
                    }
                    return null;
                });
    }

    /**
     * CPU (mean over the hosting nodes), memory (their sum), GPU utilization (mean over the deployment's GPUs) and
     * GPU memory (their sum), from the samples of the nodes that hosted the deployment at the time, averaged over
     * each bucket.
     */
    Usage usage(UUID deploymentId, Grid grid, boolean fromMinutes) {
        int size = grid.size();
        List<Spans.Span> hosted = spans.overlapping(deploymentId, Spans.Kind.HOSTED, grid.from(), grid.to());
        Map<UUID, List<Spans.Span>> byNode = new HashMap<>();
        hosted.forEach(span -> byNode.computeIfAbsent(span.key().nodeId(), n -> new ArrayList<>()).add(span));
        // Per sample time: the figures of every hosting node at that time, combined.
        record Combined(double cpuSum, int nodes, long memory, double gpuUtilSum, int gpus, long gpuMemory) {
            Combined plus(Combined o) {
                return new Combined(cpuSum + o.cpuSum, nodes + o.nodes, memory + o.memory, gpuUtilSum + o.gpuUtilSum,
                        gpus + o.gpus, gpuMemory + o.gpuMemory);
            }
        }
        Map<Instant, Combined> byTime = new TreeMap<>();
        if (!byNode.isEmpty()) {
            Instant split = fromMinutes ? clamp(rolledUpTo(), grid) : grid.from();
            List<String[]> parts = new ArrayList<>();
            if (split.isAfter(grid.from())) {
                parts.add(new String[]{"node_sample_minutes", "60", grid.from().toString(), split.toString()});
            }
            if (grid.to().isAfter(split)) {
                parts.add(new String[]{"node_samples", null, split.toString(), grid.to().toString()});
            }
            for (String[] part : parts) {
                String seconds = part[1] == null ? "seconds" : part[1];
                jdbc.prepareStatement("SELECT node_id, start, " + seconds + ", cpu_percent, memory_bytes, gpus::text FROM "
                        + part[0] + " WHERE node_id = ANY(?) AND start >= ? AND start < ?", statement -> {
                    statement.setArray(1, statement.getConnection().createArrayOf("uuid", byNode.keySet().toArray()));
                    statement.setTimestamp(2, Timestamp.from(Instant.parse(part[2])));
                    statement.setTimestamp(3, Timestamp.from(Instant.parse(part[3])));
                    try (ResultSet r = statement.executeQuery()) {
                        while (r.next()) {
                            UUID nodeId = r.getObject(1, UUID.class);
                            Instant start = r.getObject(2, OffsetDateTime.class).toInstant();
                            Instant end = start.plusSeconds(r.getInt(3));
                            List<Spans.Span> hosting = byNode.get(nodeId).stream()
                                    .filter(s -> s.started().isBefore(end) && !s.ended().isBefore(start)).toList();
                            if (hosting.isEmpty()) {
                                continue; // the node did not hold the deployment then
                            }
                            List<Integer> gpuIndices = hosting.stream().flatMap(s -> s.key().gpuIndices().stream())
                                    .distinct().toList();
                            NodeUsage usage = NodeUsage.of(json, r.getDouble(4), r.getLong(5), r.getString(6));
                            double util = 0;
                            long gpuMemory = 0;
                            int gpus = 0;
                            for (var gpu : usage.gpus()) {
                                if (gpuIndices.contains(gpu.index())) {
                                    util += gpu.utilPercent();
                                    gpuMemory += gpu.memoryUsedBytes();
                                    gpus++;
                                }
                            }
                            byTime.merge(start, new Combined(usage.cpuPercent(), 1, usage.memoryBytes(), util, gpus,
                                    gpuMemory), Combined::plus);
                        }
                    }
                    return null;
                });
            }
        }
        double[][] sums = new double[4][size];
        int[] samples = new int[size];
        int[] gpuSamples = new int[size];
        byTime.forEach((time, c) -> {
            int bucket = grid.bucket(time);
            sums[0][bucket] += c.cpuSum() / c.nodes();
            sums[1][bucket] += c.memory();
            samples[bucket]++;
            if (c.gpus() > 0) {
                sums[2][bucket] += c.gpuUtilSum() / c.gpus();
                sums[3][bucket] += c.gpuMemory();
                gpuSamples[bucket]++;
            }
        });
        Double[][] means = new Double[4][size];
        for (int i = 0; i < size; i++) {
            for (int k = 0; k < 4; k++) {
                int n = k < 2 ? samples[i] : gpuSamples[i];
                means[k][i] = n == 0 ? null : sums[k][i] / n;
            }
        }
        return new Usage(means[0], means[1], means[2], means[3]);
    }

    /**
     * The share of [from, to) with at least one READY instance; spans still open count up to {@code now} (they
     * are extended at every observation, so they lag it by up to the observation interval).
     */
    @Nullable
    Double availability(UUID deploymentId, Instant from, Instant to, Instant now, Duration tolerance) {
        if (!to.isAfter(from)) {
            return null;
        }
        long covered = 0;
        Instant reach = from;
        for (Spans.Span span : spans.overlapping(deploymentId, Spans.Kind.READY, from, to)) {
            Instant end = span.ended().isBefore(now.minus(tolerance)) ? span.ended() : now;
            Instant start = span.started().isAfter(reach) ? span.started() : reach;
            Instant stop = end.isBefore(to) ? end : to;
            if (stop.isAfter(start)) {
                covered += stop.toEpochMilli() - start.toEpochMilli();
                reach = stop;
            }
        }
        return (double) covered / (to.toEpochMilli() - from.toEpochMilli());
    }

    private static Instant clamp(Instant at, Grid grid) {
        return at.isBefore(grid.from()) ? grid.from() : at.isAfter(grid.to()) ? grid.to() : at;
    }
}
