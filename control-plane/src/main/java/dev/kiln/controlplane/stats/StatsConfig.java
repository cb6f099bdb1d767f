package dev.kiln.controlplane.stats;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Retention and cadence of the stats store (DESIGN §9), under {@code kiln.stats}.
 *
 * @param rawRetention      how long raw 10-second windows and node samples are kept
 * @param rollupRetention   how long 1-minute rollups, readiness spans and deployment logs are kept
 * @param rollupGrace       how long after a minute ends its windows are awaited before it is rolled up
 * @param observeInterval   how often readiness and placement are observed (the precision of availability)
 * @param gatewayWindow     the length of the gateway's own windows of refused requests (as the nodes' windows)
 */
@ConfigurationProperties("kiln.stats")
public record StatsConfig(@Bindable(defaultValue = "24h") Duration rawRetention,
                          @Bindable(defaultValue = "30d") Duration rollupRetention,
                          @Bindable(defaultValue = "30s") Duration rollupGrace,
                          @Bindable(defaultValue = "2s") Duration observeInterval,
                          @Bindable(defaultValue = "10s") Duration gatewayWindow) {
}
