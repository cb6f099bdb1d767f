package dev.kiln.controlplane.keys;

import io.micronaut.core.annotation.Nullable;

import java.util.Set;
import java.util.UUID;

/**
 * A project key that authenticated a call.
 *
 * @param deploymentIds the deployments it is scoped to; null means every deployment of the project
 * @param rateLimitPerSecond the key's own limit, null when it has none
 */
public record VerifiedKey(UUID keyId, UUID projectId, String prefix, @Nullable Set<UUID> deploymentIds,
                          @Nullable Integer rateLimitPerSecond) {

    /** Whether this key may call the deployment (the project match is the caller's check). */
    public boolean allows(UUID deploymentId) {
        return deploymentIds == null || deploymentIds.contains(deploymentId);
    }
}
