package dev.kiln.protocol;

import io.micronaut.serde.annotation.Serdeable;

/** Deployment settings an instance needs at serving time (DESIGN §7). */
@Serdeable
public record ServingSettings(int maxBatchSize, long maxQueueDelayMs, int maxQueue, long timeoutMs,
                              String evaluationStrategy, double evaluationThreshold) {

    public static ServingSettings defaults() {
        return new ServingSettings(1, 0, 64, 30_000, "entropy", 0.5);
    }
}
