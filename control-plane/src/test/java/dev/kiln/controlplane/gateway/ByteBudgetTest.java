package dev.kiln.controlplane.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ByteBudgetTest {

    @Test
    void aRequestIsAdmittedOnlyWhileItsBytesFitBesideTheOnesHeld() {
        ByteBudget budget = new ByteBudget(100);

        ByteBudget.Lease first = budget.tryAcquire(60);
        assertThat(first).isNotNull();
        assertThat(budget.tryAcquire(41)).isNull();
        assertThat(budget.tryAcquire(40)).isNotNull();
        assertThat(budget.used()).isEqualTo(100);
    }

    @Test
    void releasingALeaseGivesBackEverythingItHeldOnceEvenWhenCalledTwice() {
        ByteBudget budget = new ByteBudget(100);
        ByteBudget.Lease lease = budget.tryAcquire(10);
        assertThat(lease.grow(30)).isTrue();

        lease.release();
        lease.release();

        assertThat(budget.used()).isZero();
        assertThat(lease.grow(1)).as("a released lease holds nothing more").isFalse();
        assertThat(budget.tryAcquire(100)).isNotNull();
    }

    @Test
    void aLeaseThatCannotGrowKeepsWhatItHadAndTakesNothingMore() {
        ByteBudget budget = new ByteBudget(100);
        ByteBudget.Lease lease = budget.tryAcquire(90);

        assertThat(lease.grow(11)).isFalse();

        assertThat(budget.used()).isEqualTo(90);
    }

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
