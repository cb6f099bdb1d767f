package dev.kiln.controlplane.common;

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
}
