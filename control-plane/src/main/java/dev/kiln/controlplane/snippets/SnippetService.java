package dev.kiln.controlplane.snippets;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.deployment.DeploymentRepository;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.Role;
import jakarta.inject.Singleton;

import java.util.UUID;

/** Client code for a deployment the caller may read (another tenant's id is a 404, like every read). */
@Singleton
class SnippetService {

    private final Access access;
    private final DeploymentRepository deployments;
    private final SnippetTemplates templates;

    SnippetService(Access access, DeploymentRepository deployments, SnippetTemplates templates) {
        this.access = access;
        this.deployments = deployments;
        this.templates = templates;
    }

    /** @param baseUrl from {@link PublicUrl}: where clients reach the gateway */
    Snippets snippets(Caller caller, UUID deploymentId, String baseUrl) {
        Deployment deployment = deployments.findById(deploymentId)
                .orElseThrow(() -> new NotFoundException("No deployment " + deploymentId + "."));
        access.project(caller, deployment.projectId(), Role.VIEWER);
        return templates.render(baseUrl + "/" + deployment.id() + "/predict");
    }
}
