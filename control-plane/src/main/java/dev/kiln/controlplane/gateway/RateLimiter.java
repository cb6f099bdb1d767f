package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.keys.VerifiedKey;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per-key request limits (DESIGN §4.3 429), as token buckets held in this replica's memory so a call never waits
 * on the database. The rate is the key's own limit, else the deployment's; the burst is twice the rate (at least
 * one call). With several replicas each enforces the limit on its own share of the traffic.
 */
@Singleton
public class RateLimiter {

    /** A bucket untouched this long is full again anyway; dropping it loses nothing. */
    private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(5);

    /**
     * Whose budget a call spends: the key's own limit is shared by every deployment it calls; a deployment's limit
     * is counted per key and deployment, so one deployment's traffic does not eat another's.
     */
    private record BucketId(UUID keyId, @Nullable UUID deploymentId) {
    }

    private final Map<BucketId, Bucket> buckets = new ConcurrentHashMap<>();

    /** Empty when the call may go ahead (spending a token), else how long until a token is available. */
    public Optional<Long> acquire(VerifiedKey key, Route route) {
        Integer rate = key.rateLimitPerSecond() != null ? key.rateLimitPerSecond() : route.rateLimitPerSecond();
        if (rate == null || rate <= 0) {
            return Optional.empty();
        }
        BucketId id = new BucketId(key.keyId(), key.rateLimitPerSecond() != null ? null : route.deploymentId());
        long now = System.nanoTime();
        // A changed limit (key or deployment edited) starts a fresh bucket at the new rate.
        Bucket bucket = buckets.compute(id, (k, b) -> b == null || b.rate != rate ? new Bucket(rate, now) : b);
        long waitNanos = bucket.take(now);
        return waitNanos == 0 ? Optional.empty() : Optional.of(waitNanos);
    }

    @Scheduled(fixedDelay = "1m")
    void dropIdleBuckets() {
        long now = System.nanoTime();
        buckets.values().removeIf(b -> b.idleSince(now) > IDLE_NANOS);
    }

    private static final class Bucket {
        final int rate;
        private final double burst;
        private double tokens;
        private long last;

        Bucket(int rate, long now) {
            this.rate = rate;
            this.burst = Math.max(1, 2.0 * rate);
            this.tokens = burst;
            this.last = now;
        }

        /** 0 when a token was taken, else the nanoseconds until one will be there. */
        synchronized long take(long now) {
            tokens = Math.min(burst, tokens + (now - last) * rate / 1e9);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) * 1e9 / rate));
        }

        synchronized long idleSince(long now) {
            return now - last;
        }
    }
}
