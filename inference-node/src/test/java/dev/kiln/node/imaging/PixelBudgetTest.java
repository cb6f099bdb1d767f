package dev.kiln.node.imaging;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PixelBudgetTest {
    private static final long NO_WAIT = 0;
    private static final long LONG_WAIT = Duration.ofSeconds(30).toNanos();

    private static PixelBudget.Permit granted(PixelBudget.Outcome outcome) {
        assertThat(outcome).isInstanceOf(PixelBudget.Granted.class);
        return ((PixelBudget.Granted) outcome).permit();
    }

    /** Acquires on another thread, so the test can watch it wait. */
    private static CompletableFuture<PixelBudget.Outcome> acquireLater(PixelBudget budget, long pixels, long waitNanos) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return budget.acquire(pixels, waitNanos);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void pixelsAreGrantedWhileTheBudgetLastsAndComeBackWhenReleased() throws Exception {
        PixelBudget budget = new PixelBudget(100);
        PixelBudget.Permit first = granted(budget.acquire(60, NO_WAIT));
        PixelBudget.Permit second = granted(budget.acquire(40, NO_WAIT));
        assertThat(budget.available()).isZero();
        assertThat(budget.acquire(1, NO_WAIT)).isInstanceOf(PixelBudget.TimedOut.class);
        first.close();
        second.close();
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void anImageLargerThanTheWholeBudgetIsRefusedAtOnceWithoutWaiting() throws Exception {
        PixelBudget budget = new PixelBudget(100);
        assertThat(budget.acquire(101, LONG_WAIT)).isEqualTo(new PixelBudget.TooLarge(100));
        assertThat(budget.available()).isEqualTo(100);
        assertThat(budget.waiting()).isZero();
    }

    @Test
    void closingAPermitTwiceGivesItsPixelsBackOnce() throws Exception {
        PixelBudget budget = new PixelBudget(100);
        PixelBudget.Permit permit = granted(budget.acquire(70, NO_WAIT));
        PixelBudget.Permit other = granted(budget.acquire(30, NO_WAIT));
        permit.close();
        permit.close();
        assertThat(budget.available()).isEqualTo(70);
        other.close();
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void aWaiterIsGrantedAsSoonAsEnoughPixelsAreReleased() throws Exception {
        PixelBudget budget = new PixelBudget(100);
        PixelBudget.Permit held = granted(budget.acquire(80, NO_WAIT));
        CompletableFuture<PixelBudget.Outcome> waiter = acquireLater(budget, 50, LONG_WAIT);
        await().until(() -> budget.waiting() == 1);
        held.close();
        granted(waiter.get(10, TimeUnit.SECONDS)).close();
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void aLargeImageWaitingFirstIsNotOvertakenBySmallOnesSoItCannotStarve() throws Exception {
        PixelBudget budget = new PixelBudget(100);
        PixelBudget.Permit held = granted(budget.acquire(60, NO_WAIT));
        CompletableFuture<PixelBudget.Outcome> large = acquireLater(budget, 100, LONG_WAIT);
        await().until(() -> budget.waiting() == 1);
        // 40 pixels are free, but the large image is first in line.
        assertThat(budget.acquire(10, Duration.ofMillis(50).toNanos())).isInstanceOf(PixelBudget.TimedOut.class);
        held.close();
        granted(large.get(10, TimeUnit.SECONDS)).close();
    }

    @Test
    void aWaiterWhoseTimeRunsOutLeavesTheLineAndThoseBehindItProceed() throws Exception {
        PixelBudget budget = new PixelBudget(100);
        PixelBudget.Permit held = granted(budget.acquire(90, NO_WAIT));
        CompletableFuture<PixelBudget.Outcome> large = acquireLater(budget, 100, Duration.ofMillis(200).toNanos());
        await().until(() -> budget.waiting() == 1);
        CompletableFuture<PixelBudget.Outcome> small = acquireLater(budget, 10, LONG_WAIT);
        assertThat(large.get(10, TimeUnit.SECONDS)).isInstanceOf(PixelBudget.TimedOut.class);
        granted(small.get(10, TimeUnit.SECONDS)).close();
        held.close();
        assertThat(budget.available()).isEqualTo(100);
        assertThat(budget.waiting()).isZero();
    }

    @Test
    void anInterruptedWaiterLeavesTheLineWithoutTakingPixels() throws Exception {
        PixelBudget budget = new PixelBudget(100);
        PixelBudget.Permit held = granted(budget.acquire(100, NO_WAIT));
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                budget.acquire(50, LONG_WAIT);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        });
        await().until(() -> budget.waiting() == 1);
        waiter.interrupt();
        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(budget.waiting()).isZero();
        held.close();
        granted(budget.acquire(100, NO_WAIT)).close();
    }
}
