package dev.kiln.controlplane.scheduler;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * The reconcile loop ({@code kiln.scheduler.*}).
 *
 * @param enabled         whether this replica takes part in leader election and reconciles
 * @param interval        pause between two reconcile rounds
 * @param retryBackoff    wait before the first retry of an instance that failed to load; doubles per failure
 * @param maxRetryBackoff cap of that wait
 * @param drainGrace      how long a removed READY instance keeps running after it stops getting traffic, so
 *                        every gateway replica has dropped it from its routes before the node unloads it
 */
@ConfigurationProperties("kiln.scheduler")
public record SchedulerConfig(@Bindable(defaultValue = "true") boolean enabled,
                              @Bindable(defaultValue = "1s") Duration interval,
                              @Bindable(defaultValue = "5s") Duration retryBackoff,
                              @Bindable(defaultValue = "5m") Duration maxRetryBackoff,
                              @Bindable(defaultValue = "5s") Duration drainGrace) {

    /** Wait before retrying an instance that has failed {@code attempts} times (attempts ≥ 1). */
    public Duration backoff(int attempts) {
        int doublings = Math.clamp(attempts - 1, 0, 20);
        Duration wait = retryBackoff.multipliedBy(1L << doublings);
        return wait.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : wait;
    }
}
