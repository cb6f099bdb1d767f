package dev.kiln.controlplane.node;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RefusalCoalescingTest {

    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final Instant FIRST = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void theFirstRefusalGetsARowOfItsOwn() {
        assertThat(RefusalCoalescing.decide(Optional.empty(), FIRST, WINDOW))
                .isInstanceOf(RefusalCoalescing.Decision.NewRow.class);
    }

    @Test
    void refusalsWithinTheWindowOfTheRowsFirstAttemptAreCountedIntoIt() {
        Optional<RefusalCoalescing.Latest> latest = Optional.of(new RefusalCoalescing.Latest(7, FIRST));

        assertThat(RefusalCoalescing.decide(latest, FIRST, WINDOW))
                .isEqualTo(new RefusalCoalescing.Decision.CountInto(7));
        assertThat(RefusalCoalescing.decide(latest, FIRST.plus(WINDOW).minusMillis(1), WINDOW))
                .isEqualTo(new RefusalCoalescing.Decision.CountInto(7));
    }

    @Test
    void aRefusalOnceTheWindowHasPassedStartsANewRow() {
        Optional<RefusalCoalescing.Latest> latest = Optional.of(new RefusalCoalescing.Latest(7, FIRST));

        assertThat(RefusalCoalescing.decide(latest, FIRST.plus(WINDOW), WINDOW))
                .isInstanceOf(RefusalCoalescing.Decision.NewRow.class);
    }

    @Test
    void aRowFromTheFutureIsNotCountedInto() {
        Optional<RefusalCoalescing.Latest> latest = Optional.of(new RefusalCoalescing.Latest(7, FIRST));

        assertThat(RefusalCoalescing.decide(latest, FIRST.minusSeconds(1), WINDOW))
                .isInstanceOf(RefusalCoalescing.Decision.NewRow.class);
    }
}
