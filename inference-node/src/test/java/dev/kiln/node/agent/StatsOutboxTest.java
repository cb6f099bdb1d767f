package dev.kiln.node.agent;

import dev.kiln.node.metrics.ProcessMetrics;
import dev.kiln.node.metrics.StatsWindows;
import dev.kiln.node.testing.ManualClock;
import dev.kiln.protocol.NodeSample;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatsOutboxTest {
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private final ManualClock clock = new ManualClock(START.plusSeconds(1));
    private final NodeConfig noGpus = new NodeConfig("http://127.0.0.1:1", null, null, null, null, null, null,
            List.of(), false, null, Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    private final StatsOutbox outbox = new StatsOutbox(new StatsWindows(clock),
            new NodeSampler(new ProcessMetrics(), new GpuInventory(noGpus)), clock,
            new StatsShipping(Duration.ofSeconds(30), Duration.ofSeconds(1), 500));

    private void nextWindow() {
        clock.advance(Duration.ofSeconds(10));
        outbox.collect();
    }

    private static List<Instant> starts(List<NodeSample> samples) {
        return samples.stream().map(NodeSample::start).toList();
    }

    @Test
    void eachEndedWindowGetsOneNodeSample() {
        outbox.collect();
        nextWindow();
        outbox.collect();
        nextWindow();

        List<NodeSample> samples = outbox.next().samples();

        assertThat(starts(samples)).containsExactly(START, START.plusSeconds(10));
        assertThat(samples).allSatisfy(s -> {
            assertThat(s.seconds()).isEqualTo(10);
            assertThat(s.memoryBytes()).isPositive();
            assertThat(s.cpuPercent()).isBetween(0.0, 100.0);
            assertThat(s.gpus()).isEmpty();
        });
    }

    @Test
    void onlyWhatAnAcknowledgedHeartbeatCarriedLeavesTheOutbox() {
        nextWindow();
        nextWindow();
        StatsOutbox.Batch sent = outbox.next();
        nextWindow();

        outbox.delivered(sent);

        assertThat(starts(sent.samples())).containsExactly(START, START.plusSeconds(10));
        assertThat(starts(outbox.next().samples())).containsExactly(START.plusSeconds(20));
    }

    @Test
    void pastTheRetentionTheOldestAreDroppedFirst() {
        for (int i = 0; i < 6; i++) {
            nextWindow();
        }

        // Now 12:01:01 with 30 s kept: the windows from 12:00:40 on remain.
        assertThat(starts(outbox.next().samples())).containsExactly(START.plusSeconds(40), START.plusSeconds(50));
    }
}
