package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.deployment.Autoscaling;
import dev.kiln.controlplane.scheduler.Autoscaler.Decision;
import dev.kiln.controlplane.scheduler.Autoscaler.Observation;
import dev.kiln.controlplane.scheduler.Autoscaler.Sample;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AutoscalerTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Instant LONG_AGO = NOW.minus(Duration.ofHours(1));

    private final Autoscaler autoscaler = new Autoscaler(Duration.ofSeconds(60), Duration.ofSeconds(6),
            Duration.ZERO);
    private final Autoscaling policy = new Autoscaling(1, 3, 2, 30, null);

    /** One 10-second window per entry, the last one ending {@code lastEndsAgo} seconds before now. */
    private static List<Sample> windows(int lastEndsAgo, double... concurrency) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < concurrency.length; i++) {
            Instant end = NOW.minusSeconds(lastEndsAgo + 10L * (concurrency.length - 1 - i));
            samples.add(new Sample(end, concurrency[i], concurrency[i] > 0 ? 10 : 0));
        }
        return samples;
    }

    private Decision decide(Autoscaling p, List<Sample> samples, int held, int current, Instant lastChange) {
        return autoscaler.decide(p, new Observation(samples, held), current, lastChange, NOW);
    }

    @Test
    void aBurstOfEightAgainstTargetTwoPanicsToTheMaximumAtOnce() {
        Decision decision = decide(policy, windows(2, 0, 0, 0, 8), 0, 1, LONG_AGO);

        assertThat(decision).isInstanceOf(Decision.ScaleTo.class);
        var to = (Decision.ScaleTo) decision;
        assertThat(to.instances()).isEqualTo(3);
        assertThat(to.reason()).contains("observed concurrency 8 in the panic window", "target 2", "1 → 3",
                "wanted 4, capped at maxInstances 3");
    }

    @Test
    void sustainedLoadJustAboveTargetGrowsByTheStableAverage() {
        Decision decision = decide(policy, windows(8, 3, 3, 3, 3, 3, 3), 0, 1, LONG_AGO);

        assertThat(decision).isEqualTo(new Decision.ScaleTo(2, "observed concurrency 3, target 2 per instance: 1 → 2"));
    }

    @Test
    void loadAtTheTargetHolds() {
        assertThat(decide(policy, windows(2, 4, 4, 4), 0, 2, LONG_AGO)).isEqualTo(new Decision.Hold());
    }

    @Test
    void maxScaleUpRateLimitsEachStep() {
        Autoscaling slow = new Autoscaling(1, 64, 1, 30, 2.0);

        var to = (Decision.ScaleTo) decide(slow, windows(2, 40), 0, 3, LONG_AGO);

        assertThat(to.instances()).isEqualTo(6);
        assertThat(to.reason()).contains("limited by maxScaleUpRate 2.0");
    }

    @Test
    void theGapBeforeTheNextWindowArrivesIsNotReadAsNoLoad() {
        Autoscaler lagging = new Autoscaler(Duration.ofSeconds(10), Duration.ofSeconds(6), Duration.ofSeconds(12));
        Autoscaling quick = new Autoscaling(1, 3, 2, 5, null);

        // the only window ended 11 s ago (outside both windows) and the next one is still on its way
        assertThat(lagging.decide(quick, new Observation(windows(11, 8), 0), 3, NOW.minusSeconds(7), NOW))
                .isEqualTo(new Decision.Hold());
        assertThat(new Autoscaler(Duration.ofSeconds(10), Duration.ofSeconds(6), Duration.ZERO)
                .decide(quick, new Observation(windows(11, 8), 0), 3, NOW.minusSeconds(7), NOW))
                .isInstanceOf(Decision.ScaleTo.class);
    }

    @Test
    void lessLoadDoesNotScaleDownBeforeTheDelayHasPassedSinceTheLastChange() {
        assertThat(decide(policy, List.of(), 0, 3, NOW.minusSeconds(29))).isEqualTo(new Decision.Hold());
    }

    @Test
    void lessLoadDoesNotScaleDownWhileAWindowWithinTheDelayWantedMore() {
        // the stable average is 2 (one instance) but 20 s ago six requests were in flight
        assertThat(decide(policy, windows(5, 0, 0, 0, 6, 0, 0), 0, 3, LONG_AGO)).isEqualTo(new Decision.Hold());
    }

    @Test
    void afterTheDelayBelowTargetItShrinksToWhatTheLoadNeeds() {
        var to = (Decision.ScaleTo) decide(policy, windows(5, 4, 4, 2, 2, 2, 2), 0, 3, LONG_AGO);

        assertThat(to.instances()).isEqualTo(2);
        assertThat(to.reason()).contains("below that for 30 s", "3 → 2");
    }

    @Test
    void withoutTrafficItShrinksToMinInstancesNotBelow() {
        var to = (Decision.ScaleTo) decide(policy, List.of(), 0, 3, LONG_AGO);

        assertThat(to.instances()).isEqualTo(1);
    }

    @Test
    void toZeroOnlyAfterTheDelayWithNoRequestAtAll() {
        Autoscaling toZero = new Autoscaling(0, 3, 2, 30, null);

        assertThat(decide(toZero, windows(5, 0, 0, 0.4), 0, 1, LONG_AGO)).isEqualTo(new Decision.Hold());
        assertThat(decide(toZero, List.of(), 0, 1, NOW.minusSeconds(10))).isEqualTo(new Decision.Hold());
        var to = (Decision.ScaleTo) decide(toZero, windows(65, 1, 1), 0, 1, LONG_AGO);
        assertThat(to.instances()).isZero();
        assertThat(to.reason()).contains("no requests for 30 s", "1 → 0");
    }

    @Test
    void aHeldRequestCountsAsTrafficAndKeepsTheLastInstance() {
        Autoscaling toZero = new Autoscaling(0, 3, 2, 30, null);

        assertThat(decide(toZero, List.of(), 1, 1, LONG_AGO)).isEqualTo(new Decision.Hold());
    }

    @Test
    void atZeroAHeldRequestStartsOneInstanceAndFiveStartThree() {
        Autoscaling toZero = new Autoscaling(0, 3, 2, 30, null);

        assertThat(decide(toZero, List.of(), 1, 0, NOW))
                .isEqualTo(new Decision.ScaleTo(1, "1 request held for activation, target 2 per instance: 0 → 1"));
        assertThat(((Decision.ScaleTo) decide(toZero, List.of(), 5, 0, NOW)).instances()).isEqualTo(3);
    }

    @Test
    void atZeroWithNothingHeldItStaysAtZeroWhateverOldWindowsSay() {
        Autoscaling toZero = new Autoscaling(0, 3, 2, 30, null);

        assertThat(decide(toZero, windows(50, 8), 0, 0, NOW)).isEqualTo(new Decision.Hold());
    }
}
