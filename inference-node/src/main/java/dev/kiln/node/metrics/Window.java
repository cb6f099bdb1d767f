package dev.kiln.node.metrics;

import dev.kiln.protocol.StatsWindow;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/** One instance's open stats window; guarded by its {@link InstanceStats}. */
final class Window {
    /** Three significant digits: a recorded latency is off by at most 0.1 %. */
    private static final int DIGITS = 3;
    final long startMillis;
    private long requests;
    private long errors4xx;
    private long errors5xx;
    private long evaluations;
    private int maxConcurrency;
    private final Histogram queue = new Histogram(DIGITS);
    private final Histogram inference = new Histogram(DIGITS);
    private final Histogram total = new Histogram(DIGITS);
    /** Model-queue waits of the requests that finished here, as (start, end) nanoTime pairs. */
    private long[] waits = new long[32];
    private int waitCount;

    Window(long startMillis, int inFlight) {
        this.startMillis = startMillis;
        this.maxConcurrency = inFlight;
    }

    void inFlight(int now) {
        maxConcurrency = Math.max(maxConcurrency, now);
    }

    void record(RequestOutcome outcome, boolean evaluation) {
        requests++;
        if (evaluation) {
            evaluations++;
        }
        if (outcome.status() >= 500) {
            errors5xx++;
        } else if (outcome.status() >= 400) {
            errors4xx++;
        }
        total.recordValue(micros(outcome.totalNanos()));
        if (outcome.timed()) {
            queue.recordValue(micros(outcome.queueNanos()));
            inference.recordValue(micros(outcome.inferenceNanos()));
            if (waitCount * 2 + 2 > waits.length) {
                waits = Arrays.copyOf(waits, waits.length * 2);
            }
            waits[waitCount * 2] = outcome.queueStartNanos();
            waits[waitCount * 2 + 1] = outcome.queueStartNanos() + outcome.queueNanos();
            waitCount++;
        }
    }

    boolean empty() {
        return requests == 0 && maxConcurrency == 0;
    }

    StatsWindow toStats(UUID instanceId, UUID deploymentId) {
        return new StatsWindow(instanceId, deploymentId, Instant.ofEpochMilli(startMillis), StatsWindows.SECONDS,
                requests, errors4xx, errors5xx, maxConcurrency, maxQueueDepth(), encode(queue), encode(inference),
                encode(total), evaluations);
    }

    /** The most waits that overlapped: a sweep over their starts and ends (an end at a start does not overlap). */
    int maxQueueDepth() {
        long[] starts = new long[waitCount];
        long[] ends = new long[waitCount];
        for (int i = 0; i < waitCount; i++) {
            starts[i] = waits[i * 2];
            ends[i] = waits[i * 2 + 1];
        }
        Arrays.sort(starts);
        Arrays.sort(ends);
        int depth = 0;
        int max = 0;
        for (int s = 0, e = 0; s < waitCount; ) {
            if (ends[e] <= starts[s]) {
                depth--;
                e++;
            } else {
                depth++;
                s++;
                max = Math.max(max, depth);
            }
        }
        return max;
    }

    private static long micros(long nanos) {
        return Math.max(0, nanos / 1_000);
    }

    /** HdrHistogram's compressed form, base64; empty when nothing was recorded. */
    static String encode(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return "";
        }
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }
}
