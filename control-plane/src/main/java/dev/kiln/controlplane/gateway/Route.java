package dev.kiln.controlplane.gateway;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.UUID;

/**
 * A deployment as the gateway sees it: whose it is, how long it may take, how often a key may call it, and where
 * it is ready.
 *
 * @param rateLimitPerSecond the deployment's limit, one budget for all keys calling it; null for none
 */
public record Route(UUID deploymentId, UUID projectId, int timeoutMs, @Nullable Integer rateLimitPerSecond,
                    List<Target> ready) {
}
