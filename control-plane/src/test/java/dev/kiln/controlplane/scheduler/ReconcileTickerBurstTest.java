package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.deployment.DeploymentChanged;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The ticker alone, a counting round in place of the reconciler. */
class ReconcileTickerBurstTest {

    @Test
    void aBurstOfChangesDuringARoundAsksForOneMoreRoundNotOneEach() throws Exception {
        CountDownLatch firstRoundStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstRound = new CountDownLatch(1);
        AtomicInteger rounds = new AtomicInteger();
        ReconcileTicker ticker = new ReconcileTicker(() -> {
            if (rounds.incrementAndGet() == 1) {
                firstRoundStarted.countDown();
                try {
                    releaseFirstRound.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });

        ticker.onDeploymentChanged(new DeploymentChanged(UUID.randomUUID()));
        assertThat(firstRoundStarted.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 100; i++) {
            ticker.onDeploymentChanged(new DeploymentChanged(UUID.randomUUID()));
        }
        releaseFirstRound.countDown();

        waitFor(rounds, 2);
        Thread.sleep(200); // a pile-up would show as more rounds arriving late
        assertThat(rounds).hasValue(2);
    }

    @Test
    void aChangeAfterTheExtraRoundsFinishedGetsARoundOfItsOwn() throws InterruptedException {
        AtomicInteger rounds = new AtomicInteger();
        ReconcileTicker ticker = new ReconcileTicker(rounds::incrementAndGet);

        ticker.onDeploymentChanged(new DeploymentChanged(UUID.randomUUID()));
        waitFor(rounds, 1);
        ticker.onDeploymentChanged(new DeploymentChanged(UUID.randomUUID()));

        waitFor(rounds, 2);
    }

    private static void waitFor(AtomicInteger rounds, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rounds.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(rounds).hasValue(expected);
    }
}
