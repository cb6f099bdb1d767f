package dev.kiln.node.predict;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DecodeWaitTest {
    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    @Test
    void aRequestWithTimeToSpareWaitsTheNodesDecodeWait() {
        assertThat(PredictService.decodeWait(FIVE_SECONDS, 30_000, Duration.ofSeconds(1).toNanos()))
                .isEqualTo(FIVE_SECONDS);
    }

    @Test
    void aRequestNearItsTimeoutWaitsOnlyWhatIsLeftOfIt() {
        assertThat(PredictService.decodeWait(FIVE_SECONDS, 2_000, Duration.ofMillis(1_500).toNanos()))
                .isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aRequestPastItsTimeoutDoesNotWaitAtAll() {
        assertThat(PredictService.decodeWait(FIVE_SECONDS, 1_000, Duration.ofSeconds(2).toNanos())).isNegative();
    }

    @Test
    void aDeploymentWithoutTimeoutWaitsTheNodesDecodeWait() {
        assertThat(PredictService.decodeWait(FIVE_SECONDS, 0, Duration.ofHours(1).toNanos())).isEqualTo(FIVE_SECONDS);
    }
}
