package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.common.Times;
import dev.kiln.protocol.NodeSample;
import dev.kiln.protocol.StatsWindow;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Stores the windows and samples a heartbeat carried, each once per (source, start). What cannot be stored
 * (malformed, older than the raw retention, from the future) is dropped with a warning rather than refused:
 * a refusal would make the node resend it forever.
 */
@Singleton
class StatsIngest {

    private static final Logger LOG = LoggerFactory.getLogger(StatsIngest.class);
    /** Node clocks may run a little ahead of ours. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private final StatsStore store;
    private final TransactionOperations<Connection> tx;
    private final StatsConfig config;
    private final Clock clock;

    StatsIngest(StatsStore store, TransactionOperations<Connection> tx, StatsConfig config, Clock clock) {
        this.store = store;
        this.tx = tx;
        this.config = config;
        this.clock = clock;
    }

    @EventListener
    void onHeartbeat(HeartbeatStats delivered) {
        Instant now = Times.now(clock);
        // Raw rows older than this may already be pruned; a minute rolled up again from what is left would lose them.
        Instant oldest = now.minus(config.rawRetention()).truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        Instant newest = now.plus(CLOCK_SKEW);
        List<StatsStore.Window> windows = new ArrayList<>();
        for (StatsWindow w : Objects.requireNonNullElse(delivered.windows(), List.<StatsWindow>of())) {
            if (w == null || w.source() == null || w.deploymentId() == null || w.start() == null || w.seconds() <= 0
                    || w.requests() < 0 || w.errors4xx() < 0 || w.errors5xx() < 0
                    || w.errors4xx() + w.errors5xx() > w.requests()
                    || w.evaluations() < 0 || w.evaluations() > w.requests()) {
                LOG.warn("Node {} sent a malformed stats window, dropped: {}", delivered.nodeId(), w);
                continue;
            }
            if (w.start().isBefore(oldest) || w.start().isAfter(newest)) {
                LOG.warn("Node {} sent a stats window starting {}, outside what is kept; dropped",
                        delivered.nodeId(), w.start());
                continue;
            }
            try {
                windows.add(new StatsStore.Window(w.source(), w.deploymentId(), w.start().truncatedTo(ChronoUnit.MICROS),
                        w.seconds(), w.requests(), w.errors4xx(), w.errors5xx(), Math.max(0, w.maxConcurrency()),
                        Math.max(0, w.maxQueueDepth()), Histograms.fromBase64(w.queueHistogram()),
                        Histograms.fromBase64(w.inferenceHistogram()), Histograms.fromBase64(w.totalHistogram()),
                        w.evaluations()));
            } catch (IllegalArgumentException e) {
                LOG.warn("Node {} sent a stats window with a broken histogram, dropped: {}", delivered.nodeId(),
                        e.getMessage());
            }
        }
        List<NodeSample> samples = Objects.requireNonNullElse(delivered.samples(), List.<NodeSample>of()).stream()
                .filter(s -> s != null && s.start() != null && s.seconds() > 0 && !s.start().isBefore(oldest)
                        && !s.start().isAfter(newest))
                .map(s -> new NodeSample(s.start().truncatedTo(ChronoUnit.MICROS), s.seconds(), s.cpuPercent(),
                        s.memoryBytes(), s.gpus()))
                .toList();
        if (windows.isEmpty() && samples.isEmpty()) {
            return;
        }
        tx.executeWrite(status -> {
            store.insertWindows(windows, false);
            store.insertSamples(delivered.nodeId(), samples);
            return null;
        });
    }
}
