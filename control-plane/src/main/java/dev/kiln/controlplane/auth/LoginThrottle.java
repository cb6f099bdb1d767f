package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.common.TooManyRequestsException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after a few failed logins for one account, or many from one address, further
 * attempts are refused with 429 for a delay that doubles with every further failure, up to a cap. Nothing is
 * locked for good: the delay runs out on its own, and a failure record is forgotten after a quiet period, so an
 * attacker can at most delay a real user, never lock them out permanently. A successful login clears the
 * account's record (not the address's: one valid account must not launder guesses against others).
 *
 * <p>Per replica, in memory: behind a load balancer an attacker gets at most N times the rate, which is still
 * bounded; this keeps the login path free of extra writes.
 */
@Singleton
public class LoginThrottle {

    private record Failures(int count, Instant last, Instant blockedUntil) {
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final LoginThrottleConfig config;
    private final Clock clock;

    LoginThrottle(LoginThrottleConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Throws 429 when this account or address must wait before trying again. */
    public void check(String account, @Nullable String address) {
        Instant now = clock.instant();
        Instant until = later(blockedUntil(accountKey(account), now), blockedUntil(addressKey(address), now));
        if (until != null) {
            throw new TooManyRequestsException("Too many failed logins; try again later.",
                    Duration.between(now, until));
        }
    }

    public void failed(String account, @Nullable String address) {
        Instant now = clock.instant();
        record(accountKey(account), config.accountFailures(), now);
        if (address != null) {
            record(addressKey(address), config.addressFailures(), now);
        }
    }

    public void succeeded(String account) {
        failures.remove(accountKey(account));
    }

    /** Forgets records that no longer matter, so the map does not grow with every address ever seen. */
    @Scheduled(fixedDelay = "1m")
    void prune() {
        Instant now = clock.instant();
        failures.entrySet().removeIf(e -> forgotten(e.getValue(), now));
    }

    private void record(String key, int allowed, Instant now) {
        failures.compute(key, (k, previous) -> {
            int count = previous == null || forgotten(previous, now) ? 1 : previous.count() + 1;
            Instant blockedUntil = null;
            if (count >= allowed) {
                // The allowed-th failure starts the first delay; each further one doubles it.
                long factor = 1L << Math.min(count - allowed, 20);
                Duration delay = config.baseDelay().multipliedBy(factor);
                if (delay.compareTo(config.maxDelay()) > 0) {
                    delay = config.maxDelay();
                }
                blockedUntil = now.plus(delay);
            }
            return new Failures(count, now, blockedUntil);
        });
    }

    private @Nullable Instant blockedUntil(@Nullable String key, Instant now) {
        if (key == null) {
            return null;
        }
        Failures f = failures.get(key);
        return f == null || f.blockedUntil() == null || !f.blockedUntil().isAfter(now) ? null : f.blockedUntil();
    }

    private boolean forgotten(Failures f, Instant now) {
        Instant quietSince = f.blockedUntil() != null && f.blockedUntil().isAfter(f.last()) ? f.blockedUntil() : f.last();
        return !quietSince.plus(config.forgetAfter()).isAfter(now);
    }

    private static @Nullable Instant later(@Nullable Instant a, @Nullable Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private static String accountKey(String account) {
        return "account:" + account.trim().toLowerCase(Locale.ROOT);
    }

    private static @Nullable String addressKey(@Nullable String address) {
        return address == null ? null : "address:" + address;
    }
}
