package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.deployment.DeploymentRepository;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.Role;
import jakarta.inject.Singleton;

import java.util.UUID;

/** A deployment the caller may read; another tenant's (or no such) deployment is the same 404. */
@Singleton
public class DeploymentScope {

    private final DeploymentRepository deployments;
    private final Access access;

    DeploymentScope(DeploymentRepository deployments, Access access) {
        this.deployments = deployments;
        this.access = access;
    }

    public Deployment readable(Caller caller, UUID deploymentId) {
        Deployment deployment = deployments.findById(deploymentId).orElseThrow(() -> missing(deploymentId));
        try {
            access.project(caller, deployment.projectId(), Role.VIEWER);
        } catch (NotFoundException e) {
            throw missing(deploymentId);
        }
        return deployment;
    }

    private static NotFoundException missing(UUID deploymentId) {
        return new NotFoundException("No deployment " + deploymentId + ".");
    }
}
