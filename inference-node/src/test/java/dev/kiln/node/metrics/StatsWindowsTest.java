package dev.kiln.node.metrics;

import dev.kiln.node.testing.ManualClock;
import dev.kiln.protocol.StatsWindow;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.zip.DataFormatException;

import static org.assertj.core.api.Assertions.assertThat;

class StatsWindowsTest {
    private static final Instant WINDOW = Instant.parse("2026-03-01T12:00:10Z");
    private final ManualClock clock = new ManualClock(WINDOW.plusSeconds(3));
    private final StatsWindows windows = new StatsWindows(clock);
    private final UUID instance = UUID.randomUUID();
    private final UUID deployment = UUID.randomUUID();

    private void request(int status, long totalMs) {
        InstanceStats stats = windows.arrived(instance, deployment);
        windows.finished(stats, RequestOutcome.untimed(status, ms(totalMs)));
    }

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    static Histogram decode(String base64) throws DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    }

    @Test
    void evaluationRequestsCountAsRequestsAndApartAsEvaluations() {
        request(200, 12);
        InstanceStats stats = windows.arrived(instance, deployment);
        windows.finished(stats, RequestOutcome.untimed(200, ms(9)), true);
        clock.advance(Duration.ofSeconds(10));

        assertThat(windows.takeClosed(clock.instant())).singleElement().satisfies(w -> {
            assertThat(w.requests()).isEqualTo(2);
            assertThat(w.evaluations()).isEqualTo(1);
        });
    }

    @Test
    void everyOutcomeCountsInTheWindowItFinishedInWithErrorsByClass() throws Exception {
        request(200, 12);
        request(200, 14);
        request(400, 1);
        request(401, 1);
        request(503, 2);
        request(504, 1000);
        request(500, 30);

        assertThat(windows.takeClosed(clock.instant())).as("the window is still open").isEmpty();
        clock.advance(Duration.ofSeconds(7));
        List<StatsWindow> closed = windows.takeClosed(clock.instant());

        assertThat(closed).singleElement().satisfies(w -> {
            assertThat(w.source()).isEqualTo(instance);
            assertThat(w.deploymentId()).isEqualTo(deployment);
            assertThat(w.start()).isEqualTo(WINDOW);
            assertThat(w.seconds()).isEqualTo(10);
            assertThat(w.requests()).isEqualTo(7);
            assertThat(w.errors4xx()).isEqualTo(2);
            assertThat(w.errors5xx()).isEqualTo(3);
            assertThat(w.maxConcurrency()).isEqualTo(1);
            assertThat(w.queueHistogram()).as("no request reached the model").isEmpty();
        });
        Histogram total = decode(closed.getFirst().totalHistogram());
        assertThat(total.getTotalCount()).isEqualTo(7);
        assertThat(total.getMaxValue()).isBetween(999_000L, 1_001_000L);
        assertThat(total.getValueAtPercentile(50)).isBetween(11_980L, 12_020L);
        assertThat(windows.takeClosed(clock.instant())).as("handed out once").isEmpty();
    }

    @Test
    void windowsAreAlignedToTenSecondsAndAQuietWindowSendsNothing() {
        request(200, 5);
        clock.advance(Duration.ofSeconds(30));
        request(200, 5);
        request(200, 5);
        clock.advance(Duration.ofSeconds(10));

        List<StatsWindow> closed = windows.takeClosed(clock.instant());

        assertThat(closed).extracting(StatsWindow::start).containsExactly(WINDOW, WINDOW.plusSeconds(30));
        assertThat(closed).extracting(StatsWindow::requests).containsExactly(1L, 2L);
    }

    @Test
    void concurrencyIsTheMostInFlightAtOnceAndCarriesIntoTheNextWindow() throws Exception {
        InstanceStats a = windows.arrived(instance, deployment);
        InstanceStats b = windows.arrived(instance, deployment);
        InstanceStats c = windows.arrived(instance, deployment);
        windows.finished(a, RequestOutcome.untimed(200, ms(5)));
        clock.advance(Duration.ofSeconds(10));
        List<StatsWindow> first = windows.takeClosed(clock.instant());
        clock.advance(Duration.ofSeconds(10));
        List<StatsWindow> second = windows.takeClosed(clock.instant());
        windows.finished(b, RequestOutcome.untimed(200, ms(20_000)));
        windows.finished(c, RequestOutcome.untimed(200, ms(20_000)));
        clock.advance(Duration.ofSeconds(10));
        List<StatsWindow> third = windows.takeClosed(clock.instant());

        assertThat(first).singleElement().satisfies(w -> {
            assertThat(w.maxConcurrency()).isEqualTo(3);
            assertThat(w.requests()).isEqualTo(1);
        });
        assertThat(second).as("two long requests ran through a window in which none finished")
                .singleElement().satisfies(w -> {
                    assertThat(w.maxConcurrency()).isEqualTo(2);
                    assertThat(w.requests()).isZero();
                    assertThat(w.totalHistogram()).isEmpty();
                });
        assertThat(third).singleElement().satisfies(w -> assertThat(w.requests()).isEqualTo(2));
    }

    @Test
    void queueAndInferenceTimesAndTheDeepestQueueComeFromRequestsThatReachedTheModel() throws Exception {
        long t = 1_000_000_000L;
        // Waits: [0,10) [2,6) [4,8) [10,12) ms: at most three wait at once (between 4 and 6 ms).
        long[][] waits = {{0, 10}, {2, 6}, {4, 8}, {10, 12}};
        for (long[] w : waits) {
            InstanceStats stats = windows.arrived(instance, deployment);
            windows.finished(stats, new RequestOutcome(200, ms(40), true, t + ms(w[0]), ms(w[1] - w[0]), ms(25)));
        }
        clock.advance(Duration.ofSeconds(10));

        StatsWindow w = windows.takeClosed(clock.instant()).getFirst();

        assertThat(w.maxQueueDepth()).isEqualTo(3);
        Histogram queue = decode(w.queueHistogram());
        assertThat(queue.getTotalCount()).isEqualTo(4);
        assertThat(queue.getMaxValue()).isBetween(9_990L, 10_010L);
        Histogram inference = decode(w.inferenceHistogram());
        assertThat(inference.getTotalCount()).isEqualTo(4);
        assertThat(inference.getValueAtPercentile(99)).isBetween(24_990L, 25_010L);
    }

    @Test
    void histogramsOfWindowsMergeIntoPercentilesOverBoth() throws Exception {
        for (int i = 1; i <= 90; i++) {
            request(200, 10);
        }
        clock.advance(Duration.ofSeconds(10));
        for (int i = 1; i <= 10; i++) {
            request(200, 500);
        }
        clock.advance(Duration.ofSeconds(10));
        List<StatsWindow> closed = windows.takeClosed(clock.instant());

        Histogram merged = decode(closed.get(0).totalHistogram());
        merged.setAutoResize(true);
        merged.add(decode(closed.get(1).totalHistogram()));

        assertThat(merged.getTotalCount()).isEqualTo(100);
        assertThat(merged.getValueAtPercentile(90)).isBetween(9_990L, 10_010L);
        assertThat(merged.getValueAtPercentile(95)).isBetween(499_000L, 501_000L);
    }
}
