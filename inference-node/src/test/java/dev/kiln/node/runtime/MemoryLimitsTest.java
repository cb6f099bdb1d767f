package dev.kiln.node.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryLimitsTest {
    private static final long GB = 1L << 30;

    @Test
    void theDecodingBudgetIsAQuarterOfTheRamLeftBesideHeapAndDirectMemoryAtSixBytesAPixel() {
        MemoryLimits limits = new MemoryLimits(4 * GB, 4 * GB, 32 * GB);
        assertThat(limits.defaultDecodedPixels(40_000_000)).isEqualTo(24 * GB / 4 / 6);
    }

    @Test
    void theDecodingBudgetNeverRefusesAnImageWithinThePixelLimit() {
        MemoryLimits crowded = new MemoryLimits(2 * GB, 2 * GB, 4 * GB);
        assertThat(crowded.defaultDecodedPixels(40_000_000)).isEqualTo(40_000_000);
    }

    @Test
    void thisJvmReportsItsLimits() {
        MemoryLimits limits = MemoryLimits.ofThisJvm();
        assertThat(limits.maxHeap()).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(limits.maxDirect()).isPositive();
        assertThat(limits.physical()).isGreaterThan(limits.maxHeap());
    }
}
