package dev.kiln.controlplane.deployment;

/** DESIGN §7 deployment states; stored by name in deployments.status. */
public enum DeploymentStatus {
    PENDING, DEPLOYING, ONLINE, DEGRADED, FAILED, DELETING
}
