package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.keys.VerifiedKey;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request limits (DESIGN §4.3 429): per key (its own limit, else its project's default, else
 * {@code kiln.gateway.default-key-rate-limit}) and per deployment (its {@code rateLimitPerSecond}, shared by every
 * key that calls it). A call must pass both.
 *
 * <p>Across replicas: each replica enforces {@code limit / N} in its own memory, N being {@link LiveReplicas}.
 * Chosen over a shared counter row in Postgres because the gateway runs on the event loop and must not wait on the
 * database per request (nor per batch of requests); the cost is that a key whose traffic a load balancer sends
 * unevenly to the replicas gets somewhat less than its limit, never more, and that a replica joining or leaving
 * shifts the shares within one heartbeat.
 *
 * <p>Each limit is a token bucket refilled at the replica's share of the rate, holding at most two seconds of it
 * (at least one call). A call is admitted when the bucket holds a token; a KServe v1 batch then charges its other
 * instances too ({@link #charge}), possibly into debt, which later calls wait out, so every instance counts.
 */
@Singleton
public class RateLimiter {

    /** A bucket untouched this long is full again anyway; dropping it loses nothing. */
    private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(5);

    /** The outcome of {@link #acquire}. */
    public sealed interface Decision {
    }

    public enum Allowed implements Decision { INSTANCE }

    /**
     * @param deploymentLimited whether the deployment's limit refused it (else the key's)
     * @param limit             the limit refused, in requests per second (across all replicas)
     * @param waitNanos         until this replica has a token again
     */
    public record Limited(boolean deploymentLimited, int limit, long waitNanos) implements Decision {
    }

    private final Map<UUID, Bucket> keyBuckets = new ConcurrentHashMap<>();
    private final Map<UUID, Bucket> deploymentBuckets = new ConcurrentHashMap<>();
    private final RateLimitConfig config;
    private final LiveReplicas replicas;

    RateLimiter(RateLimitConfig config, LiveReplicas replicas) {
        this.config = config;
        this.replicas = replicas;
    }

    /** Spends one token of the key and one of the deployment, or none when either has none. */
    public Decision acquire(VerifiedKey key, Route route) {
        long now = System.nanoTime();
        int replicaCount = replicas.count();
        Integer keyLimit = keyLimit(key);
        Bucket keyBucket = keyLimit == null ? null : bucket(keyBuckets, key.keyId(), now);
        if (keyBucket != null) {
            long wait = keyBucket.take(now, share(keyLimit, replicaCount));
            if (wait > 0) {
                return new Limited(false, keyLimit, wait);
            }
        }
        Integer deploymentLimit = route.rateLimitPerSecond();
        if (deploymentLimit != null && deploymentLimit > 0) {
            long wait = bucket(deploymentBuckets, route.deploymentId(), now)
                    .take(now, share(deploymentLimit, replicaCount));
            if (wait > 0) {
                if (keyBucket != null) {
                    keyBucket.giveBack(); // the call is refused, so the key's token was not spent
                }
                return new Limited(true, deploymentLimit, wait);
            }
        }
        return Allowed.INSTANCE;
    }

    /** Charges {@code permits} more calls of an admitted request (the other instances of a KServe v1 batch). */
    public void charge(VerifiedKey key, Route route, int permits) {
        long now = System.nanoTime();
        int replicaCount = replicas.count();
        Integer keyLimit = keyLimit(key);
        if (keyLimit != null) {
            bucket(keyBuckets, key.keyId(), now).charge(now, share(keyLimit, replicaCount), permits);
        }
        Integer deploymentLimit = route.rateLimitPerSecond();
        if (deploymentLimit != null && deploymentLimit > 0) {
            bucket(deploymentBuckets, route.deploymentId(), now)
                    .charge(now, share(deploymentLimit, replicaCount), permits);
        }
    }

    /** The limit a key is held to, or null for none. */
    public @Nullable Integer keyLimit(VerifiedKey key) {
        Integer own = key.rateLimitPerSecond();
        if (own != null && own > 0) {
            return own;
        }
        return config.defaultKeyRateLimit() > 0 ? config.defaultKeyRateLimit() : null;
    }

    static double share(int limit, int replicaCount) {
        return (double) limit / Math.max(1, replicaCount);
    }

    private static Bucket bucket(Map<UUID, Bucket> buckets, UUID id, long now) {
        Bucket bucket = buckets.get(id);
        return bucket != null ? bucket : buckets.computeIfAbsent(id, ignored -> new Bucket(now));
    }

    @Scheduled(fixedDelay = "1m")
    void dropIdleBuckets() {
        long now = System.nanoTime();
        keyBuckets.values().removeIf(b -> b.idleSince(now) > IDLE_NANOS);
        deploymentBuckets.values().removeIf(b -> b.idleSince(now) > IDLE_NANOS);
    }

    /**
     * A token bucket whose rate is passed on each call, so a changed limit or replica count applies at once
     * without resetting what was spent. Starts full.
     */
    static final class Bucket {
        private double tokens = Double.NaN;
        private long last;

        Bucket(long now) {
            this.last = now;
        }

        /** 0 when a token was taken, else the nanoseconds until one will be there. */
        synchronized long take(long now, double rate) {
            refill(now, rate);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) * 1e9 / rate));
        }

        synchronized void giveBack() {
            tokens += 1;
        }

        synchronized void charge(long now, double rate, int permits) {
            refill(now, rate);
            tokens -= permits;
        }

        synchronized long idleSince(long now) {
            return now - last;
        }

        private void refill(long now, double rate) {
            double burst = Math.max(1, 2 * rate);
            tokens = Double.isNaN(tokens) ? burst : Math.min(burst, tokens + (now - last) * rate / 1e9);
            last = now;
        }
    }
}
