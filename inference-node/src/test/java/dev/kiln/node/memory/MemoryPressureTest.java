package dev.kiln.node.memory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryPressureTest {
    private static final long MB = 1 << 20;

    private static MemoryPressure.Reading heap(long usedMb) {
        return new MemoryPressure.Reading(usedMb * MB, 1000 * MB, 0, 1000 * MB);
    }

    private static MemoryPressure.Reading direct(long usedMb) {
        return new MemoryPressure.Reading(0, 1000 * MB, usedMb * MB, 1000 * MB);
    }

    @Test
    void heapStillUsedAfterCollectionAtTheThresholdIsPressure() {
        assertThat(MemoryPressure.underPressure(false, heap(899), 0.9)).isFalse();
        assertThat(MemoryPressure.underPressure(false, heap(900), 0.9)).isTrue();
    }

    @Test
    void directMemoryNearItsLimitIsPressureToo() {
        assertThat(MemoryPressure.underPressure(false, direct(950), 0.9)).isTrue();
        assertThat(MemoryPressure.underPressure(false, direct(100), 0.9)).isFalse();
    }

    @Test
    void pressureEndsOnlyWellBelowTheThresholdSoTheNodeDoesNotFlap() {
        assertThat(MemoryPressure.underPressure(true, heap(880), 0.9)).isTrue();
        assertThat(MemoryPressure.underPressure(true, heap(811), 0.9)).isTrue();
        assertThat(MemoryPressure.underPressure(true, heap(800), 0.9)).isFalse();
    }

    @Test
    void unknownLimitsNeverCountAsPressure() {
        assertThat(MemoryPressure.underPressure(false, new MemoryPressure.Reading(5 * MB, 0, 5 * MB, 0), 0.9))
                .isFalse();
    }
}
