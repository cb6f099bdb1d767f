package dev.kiln.controlplane.gateway;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class KeyConcurrencyTest {

    private final UUID key = UUID.randomUUID();
    private final UUID otherKey = UUID.randomUUID();

    @Test
    void aKeyAtItsLimitIsRefusedWhileAnotherKeyIsNot() {
        KeyConcurrency concurrency = new KeyConcurrency(2);

        assertThat(concurrency.tryEnter(key)).isTrue();
        assertThat(concurrency.tryEnter(key)).isTrue();

        assertThat(concurrency.tryEnter(key)).isFalse();
        assertThat(concurrency.tryEnter(otherKey)).isTrue();
        assertThat(concurrency.inFlight(key)).isEqualTo(2);
    }

    @Test
    void aFinishedCallMakesRoomForTheNextAndAnIdleKeyLeavesNothingBehind() {
        KeyConcurrency concurrency = new KeyConcurrency(1);
        concurrency.tryEnter(key);

        concurrency.exit(key);

        assertThat(concurrency.inFlight(key)).isZero();
        assertThat(concurrency.tryEnter(key)).isTrue();
    }
}
