package dev.kiln.controlplane.deployment;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A deployment's autoscaling policy (DESIGN §7): between {@code minInstances} (0 allows scale to zero) and
 * {@code maxInstances}, about {@code targetConcurrency} requests in flight per instance, scaling down only after
 * {@code scaleDownDelaySeconds} below, and up by at most the factor {@code maxScaleUpRate} per decision (null: any).
 */
@Serdeable
public record Autoscaling(int minInstances, int maxInstances, double targetConcurrency, int scaleDownDelaySeconds,
                          @Nullable Double maxScaleUpRate) {

    /** {@code count} within [minInstances, maxInstances]. */
    public int bound(int count) {
        return Math.clamp(count, minInstances, maxInstances);
    }
}
