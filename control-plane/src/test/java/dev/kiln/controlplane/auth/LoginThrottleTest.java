package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.common.TooManyRequestsException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The throttle's policy, with a clock the test moves forward instead of sleeping. */
class LoginThrottleTest {

    /** A clock that stands still until the test advances it. */
    private static final class SteppedClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final SteppedClock clock = new SteppedClock();
    private final LoginThrottle throttle = new LoginThrottle(
            new LoginThrottleConfig(3, 10, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(15)), clock);

    private void fail(String account, String address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.check(account, address);
            throttle.failed(account, address);
        }
    }

    @Test
    void anAccountIsDelayedAfterTooManyFailuresAndTheDelayDoublesUpToTheCap() {
        fail("a@x", "10.0.0.1", 3);

        assertThatThrownBy(() -> throttle.check("a@x", "10.0.0.2"))
                .isInstanceOfSatisfying(TooManyRequestsException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));

        long previous = 1;
        for (long expected : new long[]{2, 4, 8, 8}) {
            clock.advance(Duration.ofSeconds(previous));
            throttle.check("a@x", "10.0.0.1");
            throttle.failed("A@X", "10.0.0.1");
            previous = expected;
            assertThatThrownBy(() -> throttle.check("a@x", null))
                    .isInstanceOfSatisfying(TooManyRequestsException.class,
                            e -> assertThat(e.retryAfterSeconds()).isEqualTo(expected));
        }
    }

    @Test
    void theDelayRunsOutOnItsOwnSoNothingIsLockedForGood() {
        fail("b@x", "10.0.0.3", 3);
        assertThatThrownBy(() -> throttle.check("b@x", "10.0.0.3")).isInstanceOf(TooManyRequestsException.class);

        clock.advance(Duration.ofSeconds(1));

        assertThatCode(() -> throttle.check("b@x", "10.0.0.3")).doesNotThrowAnyException();
    }

    @Test
    void failuresAreForgottenAfterAQuietPeriod() {
        fail("c@x", null, 2);
        clock.advance(Duration.ofMinutes(16));

        fail("c@x", null, 2);

        assertThatCode(() -> throttle.check("c@x", null)).as("only 2 recent failures, under the limit of 3")
                .doesNotThrowAnyException();
    }

    @Test
    void aSuccessfulLoginClearsTheAccountsFailures() {
        fail("d@x", null, 2);
        throttle.succeeded("d@x");

        fail("d@x", null, 2);

        assertThatCode(() -> throttle.check("d@x", null)).doesNotThrowAnyException();
    }

    @Test
    void oneAddressGuessingManyAccountsIsDelayedForEveryAccount() {
        for (int i = 0; i < 10; i++) {
            fail("user" + i + "@x", "10.9.9.9", 1);
        }

        assertThatThrownBy(() -> throttle.check("someone-else@x", "10.9.9.9")).isInstanceOf(TooManyRequestsException.class);
        assertThatCode(() -> throttle.check("someone-else@x", "10.0.0.8")).doesNotThrowAnyException();
    }
}
