package dev.kiln.controlplane.gateway;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Mirrored requests ({@code kiln.gateway.shadow.*}).
 *
 * @param maxInFlight most shadow copies in flight at once per replica; beyond it a copy is dropped (and counted)
 */
@ConfigurationProperties("kiln.gateway.shadow")
public record ShadowConfig(@Bindable(defaultValue = "16") int maxInFlight) {
}
