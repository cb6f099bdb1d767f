package dev.kiln.node.agent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, so a fleet does not hammer a control plane that is coming back. */
final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private long nextMs;

    Backoff(Duration initial, Duration max) {
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
        this.nextMs = initialMs;
    }

    Duration next() {
        long base = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        long jitter = ThreadLocalRandom.current().nextLong(base / 4 + 1);
        return Duration.ofMillis(base - base / 8 + jitter);
    }

    void reset() {
        nextMs = initialMs;
    }
}
