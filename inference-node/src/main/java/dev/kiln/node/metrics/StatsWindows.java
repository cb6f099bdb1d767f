package dev.kiln.node.metrics;

import dev.kiln.protocol.StatsWindow;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each instance served, in 10-second windows aligned to multiples of 10 s since the epoch (DESIGN §9):
 * requests, errors by class, queue/inference/total latency histograms, most requests in flight and most waiting for
 * the model. A request counts in the window it finished in. Closed windows are taken by the agent for shipping.
 */
@Singleton
public final class StatsWindows {
    public static final int SECONDS = 10;
    private static final long WINDOW_MILLIS = SECONDS * 1000L;
    private final Clock clock;
    private final ConcurrentHashMap<UUID, InstanceStats> instances = new ConcurrentHashMap<>();

    public StatsWindows(Clock clock) {
        this.clock = clock;
    }

    /** The start of the window {@code epochMillis} falls in. */
    public static long windowStart(long epochMillis) {
        return Math.floorDiv(epochMillis, WINDOW_MILLIS) * WINDOW_MILLIS;
    }

    /** A request reached an instance: it is in flight until {@link #finished}. */
    InstanceStats arrived(UUID instanceId, UUID deploymentId) {
        long start = windowStart(clock.millis());
        // compute() keeps an arrival from landing in an entry that takeClosed() is removing at the same moment.
        return instances.compute(instanceId, (id, stats) -> {
            InstanceStats s = stats != null ? stats : new InstanceStats(id, deploymentId);
            s.arrived(start);
            return s;
        });
    }

    void finished(InstanceStats stats, RequestOutcome outcome) {
        finished(stats, outcome, false);
    }

    /** @param evaluation whether the request came from the dashboard's evaluation, counted apart as well */
    void finished(InstanceStats stats, RequestOutcome outcome, boolean evaluation) {
        stats.finished(windowStart(clock.millis()), outcome, evaluation);
    }

    /** The windows that ended by {@code now}, oldest first per instance; each is handed out once. */
    public List<StatsWindow> takeClosed(Instant now) {
        long current = windowStart(now.toEpochMilli());
        List<StatsWindow> out = new ArrayList<>();
        for (UUID id : instances.keySet()) {
            List<Window> ended = new ArrayList<>();
            InstanceStats[] taken = new InstanceStats[1];
            instances.computeIfPresent(id, (key, stats) -> {
                stats.takeEnded(current, ended);
                taken[0] = stats;
                // An instance that is gone and quiet leaves no entry behind.
                return stats.idle() ? null : stats;
            });
            // Encoded outside the map's lock: arrivals on this instance do not wait for it.
            for (Window w : ended) {
                out.add(w.toStats(taken[0].instanceId, taken[0].deploymentId));
            }
        }
        return out;
    }
}
