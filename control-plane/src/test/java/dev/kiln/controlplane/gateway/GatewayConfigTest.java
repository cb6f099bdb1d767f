package dev.kiln.controlplane.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayConfigTest {

    @Test
    void theDefaultBudgetIsAQuarterOfTheHeapAndAConfiguredOneWins() {
        GatewayConfig unset = config(0);
        GatewayConfig set = config(5_000);

        assertThat(unset.inflightBudget(4_000_000)).isEqualTo(1_000_000);
        assertThat(set.inflightBudget(4_000_000)).isEqualTo(5_000);
    }

    private static GatewayConfig config(long inflightBytes) {
        return new GatewayConfig(1, java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO,
                java.time.Duration.ZERO, java.time.Duration.ZERO, 1, java.time.Duration.ZERO, inflightBytes, 1);
    }
}
