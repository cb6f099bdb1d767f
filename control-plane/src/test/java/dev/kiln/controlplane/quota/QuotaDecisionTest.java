package dev.kiln.controlplane.quota;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QuotaDecisionTest {

    @Test
    void addingUpToTheLimitPassesAndOneMoreExceedsIt() {
        assertThat(QuotaDecision.exceeds(3, 2, 5)).isFalse();
        assertThat(QuotaDecision.exceeds(4, 2, 5)).isTrue();
    }

    @Test
    void aLimitOfZeroAllowsNothingAndAddingNothingAlwaysPasses() {
        assertThat(QuotaDecision.exceeds(0, 1, 0)).isTrue();
        assertThat(QuotaDecision.exceeds(10, 0, 5)).isFalse();
    }

    @Test
    void hugeAmountsDoNotOverflowIntoAPass() {
        assertThat(QuotaDecision.exceeds(1, Long.MAX_VALUE, 5)).isTrue();
    }
}
