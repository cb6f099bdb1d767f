package dev.kiln.node.runtime;

import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestAssignments;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.ServingSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueueSizingTest {
    private static final long MB = 1 << 20;
    private static final long GB = 1 << 30;

    private static Assignment ssdlite(int maxQueue) {
        return TestAssignments.of(SampleModels.SSDLITE, new ServingSettings(1, 0, maxQueue, 30_000, "entropy", 0.5));
    }

    private static Assignment ppocr(int maxQueue) {
        return TestAssignments.of(SampleModels.PPOCR, new ServingSettings(1, 0, maxQueue, 30_000, "entropy", 0.5));
    }

    @Test
    void aQueueTheMemoryCanHoldIsKeptAsConfigured() {
        QueueSizing sizing = new QueueSizing(new MemoryLimits(4 * GB, 4 * GB, 16 * GB), 28 * MB, 1333, 40_000_000);
        assertThat(sizing.clamp(ssdlite(64))).isEqualTo(new QueueClamp(64, 64, null));
    }

    @Test
    void aHundredThousandWaitingBodiesAreClampedToHalfTheHeap() {
        QueueSizing sizing = new QueueSizing(new MemoryLimits(768 * MB, 768 * MB, 16 * GB), 28 * MB, 1333, 40_000_000);
        assertThat(sizing.clamp(ssdlite(100_000))).isEqualTo(new QueueClamp(100_000, 13, "heap"));
    }

    @Test
    void largeDynamicTensorsAreClampedByDirectMemory() {
        // ppocr takes any size; its descriptor bounds the side to 960: 960 × 960 × 3 floats ≈ 10.5 MB a request.
        QueueSizing sizing = new QueueSizing(new MemoryLimits(4 * GB, 256 * MB, 16 * GB), MB, 1333, 40_000_000);
        QueueClamp clamp = sizing.clamp(ppocr(100_000));
        assertThat(clamp.clampedBy()).isEqualTo("directMemory");
        assertThat(clamp.effective()).isEqualTo((int) (128 * MB / (960L * 960 * 3 * 4)));
    }

    @Test
    void aNodeTooSmallForEvenOneWorstCaseRequestStillQueuesOne() {
        QueueSizing sizing = new QueueSizing(new MemoryLimits(32 * MB, 32 * MB, GB), 28 * MB, 1333, 40_000_000);
        assertThat(sizing.clamp(ssdlite(10)).effective()).isEqualTo(1);
    }
}
