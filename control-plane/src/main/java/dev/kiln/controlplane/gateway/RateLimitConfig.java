package dev.kiln.controlplane.gateway;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Rate limits of the data plane ({@code kiln.gateway.*}, beside {@link GatewayConfig}).
 *
 * @param defaultKeyRateLimit requests per second of a key that has no limit of its own and whose project sets no
 *                            default; 0 for no limit
 * @param replicaHeartbeat    how often a replica refreshes its row in {@code gateway_replicas} and counts the
 *                            live ones
 * @param replicaTimeout      a replica whose row is older than this no longer counts as live
 */
@ConfigurationProperties("kiln.gateway")
public record RateLimitConfig(@Bindable(defaultValue = "100") int defaultKeyRateLimit,
                              @Bindable(defaultValue = "2s") Duration replicaHeartbeat,
                              @Bindable(defaultValue = "7s") Duration replicaTimeout) {
}
