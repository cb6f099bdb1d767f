package dev.kiln.node.agent;

import dev.kiln.node.metrics.StatsWindows;
import dev.kiln.protocol.NodeSample;
import dev.kiln.protocol.StatsWindow;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Closed stats windows and node samples not yet delivered. Each heartbeat carries the oldest of them; they leave the
 * outbox only when the control plane acknowledged that heartbeat, so an outage leaves no gap. Bounded by age
 * ({@link StatsShipping#retention()}): past it the oldest are dropped, with a warning.
 */
@Singleton
final class StatsOutbox {
    private static final Logger LOG = LoggerFactory.getLogger(StatsOutbox.class);
    private static final long WINDOW_MILLIS = StatsWindows.SECONDS * 1000L;
    private final StatsWindows windows;
    private final NodeSampler sampler;
    private final Clock clock;
    private final StatsShipping config;
    private final ArrayDeque<StatsWindow> pendingWindows = new ArrayDeque<>();
    private final ArrayDeque<NodeSample> pendingSamples = new ArrayDeque<>();
    private final ScheduledExecutorService collector = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("kiln-stats").daemon().factory());
    private long sampledUpTo;
    private boolean started;

    StatsOutbox(StatsWindows windows, NodeSampler sampler, Clock clock, StatsShipping config) {
        this.windows = windows;
        this.sampler = sampler;
        this.clock = clock;
        this.config = config;
        this.sampledUpTo = StatsWindows.windowStart(clock.millis());
    }

    /** What one heartbeat carries; the same objects are handed back to {@link #delivered}. */
    record Batch(List<StatsWindow> windows, List<NodeSample> samples) {
    }

    synchronized void start() {
        if (!started) {
            started = true;
            long every = Math.max(1, config.collectEvery().toMillis());
            collector.scheduleWithFixedDelay(this::collect, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Moves the windows that ended into the outbox and samples the node once per ended window. */
    void collect() {
        try {
            Instant now = clock.instant();
            List<StatsWindow> closed = windows.takeClosed(now);
            long current = StatsWindows.windowStart(now.toEpochMilli());
            // Sampled outside the lock: nvidia-smi may take a moment and heartbeats must not wait for it.
            NodeSample sample = current > sampledUpTo ? sampler.sample(Instant.ofEpochMilli(current - WINDOW_MILLIS))
                    : null;
            sampledUpTo = Math.max(sampledUpTo, current);
            synchronized (this) {
                pendingWindows.addAll(closed);
                if (sample != null) {
                    pendingSamples.add(sample);
                }
                dropExpired(now);
            }
        } catch (RuntimeException e) {
            LOG.warn("Collecting stats failed: {}", e.toString());
        }
    }

    private void dropExpired(Instant now) {
        Instant oldest = now.minus(config.retention());
        int windowsDropped = dropWhile(pendingWindows, w -> w.start().isBefore(oldest));
        int samplesDropped = dropWhile(pendingSamples, s -> s.start().isBefore(oldest));
        if (windowsDropped + samplesDropped > 0) {
            LOG.warn("The control plane has not taken stats for {}: dropped the oldest {} window(s) and {} sample(s)",
                    config.retention(), windowsDropped, samplesDropped);
        }
    }

    private static <T> int dropWhile(ArrayDeque<T> queue, Predicate<T> old) {
        int dropped = 0;
        while (!queue.isEmpty() && old.test(queue.peekFirst())) {
            queue.pollFirst();
            dropped++;
        }
        return dropped;
    }

    /** The oldest undelivered windows (at most {@link StatsShipping#maxPerHeartbeat()}) and samples. */
    synchronized Batch next() {
        int max = Math.max(1, config.maxPerHeartbeat());
        return new Batch(pendingWindows.stream().limit(max).toList(), pendingSamples.stream().limit(max).toList());
    }

    /** The control plane acknowledged the heartbeat that carried {@code batch}. */
    synchronized void delivered(Batch batch) {
        removeAll(pendingWindows, batch.windows());
        removeAll(pendingSamples, batch.samples());
    }

    // By identity: two windows with equal contents are still two windows (and some may have expired meanwhile).
    private static <T> void removeAll(ArrayDeque<T> queue, List<T> sent) {
        if (sent.isEmpty()) {
            return;
        }
        Set<T> gone = Collections.newSetFromMap(new IdentityHashMap<>());
        gone.addAll(sent);
        queue.removeIf(gone::contains);
    }

    @PreDestroy
    void stop() {
        collector.shutdownNow();
    }
}
