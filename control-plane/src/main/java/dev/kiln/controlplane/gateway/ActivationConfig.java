package dev.kiln.controlplane.gateway;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Holding requests for a deployment that has no ready instance while the autoscaler starts one
 * ({@code kiln.activation.*}, DESIGN §7).
 *
 * @param queue          most requests held per deployment on this replica (503 + Retry-After beyond)
 * @param pollInterval   how often held requests look for a ready instance (and the routes are re-read meanwhile)
 * @param reportInterval how often this replica tells the leader, through deployment_demand, how many it holds
 */
@ConfigurationProperties("kiln.activation")
public record ActivationConfig(@Bindable(defaultValue = "100") int queue,
                               @Bindable(defaultValue = "200ms") Duration pollInterval,
                               @Bindable(defaultValue = "500ms") Duration reportInterval) {
}
