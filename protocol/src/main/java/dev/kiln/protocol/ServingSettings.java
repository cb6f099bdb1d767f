package dev.kiln.protocol;

import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * Deployment settings an instance needs at serving time (DESIGN §7).
 *
 * @param captureGroups the deployment's data-capture groups; empty (also when a control plane sends none) captures
 *                      nothing
 */
@Serdeable
public record ServingSettings(int maxBatchSize, long maxQueueDelayMs, int maxQueue, long timeoutMs,
                              String evaluationStrategy, double evaluationThreshold,
                              @Nullable List<CaptureGroup> captureGroups) {

    @Creator
    public ServingSettings {
        captureGroups = captureGroups == null ? List.of() : List.copyOf(captureGroups);
    }

    /** Settings without data capture. */
    public ServingSettings(int maxBatchSize, long maxQueueDelayMs, int maxQueue, long timeoutMs,
                           String evaluationStrategy, double evaluationThreshold) {
        this(maxBatchSize, maxQueueDelayMs, maxQueue, timeoutMs, evaluationStrategy, evaluationThreshold, List.of());
    }

    public static ServingSettings defaults() {
        return new ServingSettings(1, 0, 64, 30_000, "entropy", 0.5);
    }
}
