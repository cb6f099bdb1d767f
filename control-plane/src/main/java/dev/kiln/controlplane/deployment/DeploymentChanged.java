package dev.kiln.controlplane.deployment;

import java.util.UUID;

/**
 * Published in the transaction that created, changed or started deleting a deployment, so the scheduler can
 * reconcile without waiting for its next tick (listen with @TransactionalEventListener to see it after commit).
 */
public record DeploymentChanged(UUID deploymentId) {
}
