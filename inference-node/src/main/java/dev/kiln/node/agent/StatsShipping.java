package dev.kiln.node.agent;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * How stats travel to the control plane ({@code kiln.node.stats.*}).
 *
 * @param retention       how long undelivered windows and samples are kept while the control plane is away; older
 *                        ones are dropped first
 * @param collectEvery    how often ended windows are collected into the outbox (they close every 10 s)
 * @param maxPerHeartbeat most windows one heartbeat carries, so a long backlog goes out over several
 */
@ConfigurationProperties("kiln.node.stats")
public record StatsShipping(@Bindable(defaultValue = "1h") Duration retention,
                            @Bindable(defaultValue = "1s") Duration collectEvery,
                            @Bindable(defaultValue = "500") int maxPerHeartbeat) {
}
