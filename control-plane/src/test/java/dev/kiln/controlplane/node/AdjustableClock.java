package dev.kiln.controlplane.node;

import dev.kiln.controlplane.common.TimeFactory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock plus an offset the fleet tests move forward, so timeouts, drain graces and retry backoffs can
 * pass without sleeping; a test that compares times closely also freezes it, so the time its own steps take (a
 * login hashes a password) does not count. Only in contexts that set {@code kiln.test.adjustable-clock} (see
 * {@link FleetTestBase}), which reset it before each test.
 */
@Singleton
@Replaces(bean = Clock.class, factory = TimeFactory.class)
@Requires(property = "kiln.test.adjustable-clock", value = "true")
public class AdjustableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    private volatile Instant frozenAt;

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    /** Stops the clock where it is; only {@link #advance} moves it on. */
    public void freeze() {
        frozenAt = Instant.now();
    }

    public void reset() {
        frozenAt = null;
        offset = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        Instant base = frozenAt;
        return (base == null ? Instant.now() : base).plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the control plane reads instants only");
    }
}
