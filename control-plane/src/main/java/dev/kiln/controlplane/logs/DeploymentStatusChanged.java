package dev.kiln.controlplane.logs;

import io.micronaut.core.annotation.Nullable;

import java.util.UUID;

/** Published by the scheduler when it sets a deployment's derived status (or its reason) to something new. */
public record DeploymentStatusChanged(UUID deploymentId, String status, @Nullable String reason) {
}
