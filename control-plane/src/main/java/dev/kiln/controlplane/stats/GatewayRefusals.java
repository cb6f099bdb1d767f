package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.logs.DeploymentLog;
import dev.kiln.controlplane.logs.LogKind;
import dev.kiln.controlplane.logs.LogLevel;
import io.micronaut.transaction.TransactionOperations;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Requests this replica refused before they reached a node (bad key, wrong scope, over the rate, no ready
 * instance, ...) counted per deployment in windows aligned like the nodes' ones, and stored as windows of their
 * own (source = this replica) once closed, with one aggregated REJECTED log line per deployment and window.
 * Counting is a map increment on the request path; the database is only touched by the periodic flush.
 */
@Singleton
class GatewayRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayRefusals.class);

    private record Key(UUID deploymentId, long windowStart, int status) {
    }

    /** Identifies this replica's windows; a restart is a new source, so nothing it stored is ever overwritten. */
    private final UUID source = UUID.randomUUID();
    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final StatsStore store;
    private final DeploymentLog log;
    private final TransactionOperations<Connection> tx;
    private final Clock clock;
    private final long windowMillis;

    GatewayRefusals(StatsStore store, DeploymentLog log, TransactionOperations<Connection> tx, StatsConfig config,
                    Clock clock) {
        this.store = store;
        this.log = log;
        this.tx = tx;
        this.clock = clock;
        this.windowMillis = config.gatewayWindow().toMillis();
    }

    void record(UUID deploymentId, int status) {
        long now = clock.millis();
        counts.computeIfAbsent(new Key(deploymentId, now - Math.floorMod(now, windowMillis), status),
                key -> new LongAdder()).increment();
    }

    /** Stores the windows that have closed. */
    void flushClosed() {
        flush(clock.millis());
    }

    /** Stores what is left at shutdown, closed or not: the window is additive, so nothing is counted twice. */
    @PreDestroy
    void flushAll() {
        flush(Long.MAX_VALUE);
    }

    private synchronized void flush(long nowMillis) {
        Map<Key, Long> taken = new TreeMap<>(Comparator.comparing(Key::deploymentId)
                .thenComparingLong(Key::windowStart).thenComparingInt(Key::status));
        for (Key key : List.copyOf(counts.keySet())) {
            if (key.windowStart() + windowMillis <= nowMillis) {
                LongAdder adder = counts.remove(key);
                if (adder != null) {
                    taken.put(key, adder.sum());
                }
            }
        }
        if (taken.isEmpty()) {
            return;
        }
        Map<Key, Map<Integer, Long>> byWindow = taken.entrySet().stream().collect(Collectors.groupingBy(
                e -> new Key(e.getKey().deploymentId(), e.getKey().windowStart(), 0), LinkedHashMap::new,
                Collectors.toMap(e -> e.getKey().status(), Map.Entry::getValue, Long::sum, TreeMap::new)));
        List<StatsStore.Window> windows = new ArrayList<>();
        byWindow.forEach((window, statuses) -> {
            long total = statuses.values().stream().mapToLong(Long::longValue).sum();
            long client = statuses.entrySet().stream().filter(e -> e.getKey() < 500).mapToLong(Map.Entry::getValue).sum();
            windows.add(new StatsStore.Window(source, window.deploymentId(), Instant.ofEpochMilli(window.windowStart()),
                    (int) (windowMillis / 1000), total, client, total - client, 0, 0, null, null, null, 0));
        });
        try {
            tx.executeWrite(status -> {
                store.insertWindows(windows, true);
                byWindow.forEach((window, statuses) -> log.record(window.deploymentId(),
                        Instant.ofEpochMilli(window.windowStart()), LogLevel.WARN, LogKind.REJECTED,
                        message(statuses), null, null));
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not store the gateway's refused-request counts, keeping them for the next try: {}",
                    e.toString());
            taken.forEach((key, count) -> counts.computeIfAbsent(key, k -> new LongAdder()).add(count));
        }
    }

    private static String message(Map<Integer, Long> statuses) {
        long total = statuses.values().stream().mapToLong(Long::longValue).sum();
        return total + (total == 1 ? " request" : " requests") + " refused by the gateway: " + statuses.entrySet().stream()
                .map(e -> e.getValue() + " × " + e.getKey() + " (" + reason(e.getKey()) + ")")
                .collect(Collectors.joining(", ")) + ".";
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "invalid request";
            case 401 -> "missing or invalid key";
            case 403 -> "key not allowed for this deployment";
            case 404 -> "key of another project, or unknown result";
            case 413 -> "body too large";
            case 415 -> "wrong content type";
            case 429 -> "over the rate limit";
            case 503 -> "no ready instance";
            default -> "refused";
        };
    }
}
