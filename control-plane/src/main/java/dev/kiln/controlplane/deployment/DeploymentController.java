package dev.kiln.controlplane.deployment;

import dev.kiln.protocol.ErrorBody;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.deployment.Views.DeploymentRequest;
import dev.kiln.controlplane.deployment.Views.DeploymentView;
import dev.kiln.controlplane.deployment.Views.HistoryEntry;
import dev.kiln.controlplane.deployment.Views.PromoteRequest;
import dev.kiln.controlplane.deployment.Views.RollbackRequest;
import dev.kiln.controlplane.deployment.Views.InstanceView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.List;
import java.util.UUID;

@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Deployments")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class DeploymentController {

    private final DeploymentService deployments;

    DeploymentController(DeploymentService deployments) {
        this.deployments = deployments;
    }

    @Post("/projects/{projectId}/deployments")
    HttpResponse<DeploymentView> create(@Parameter(hidden = true) Caller caller, UUID projectId, @Body DeploymentRequest body) {
        return HttpResponse.created(deployments.create(caller, projectId, body));
    }

    @Get("/projects/{projectId}/deployments")
    List<DeploymentView> list(@Parameter(hidden = true) Caller caller, UUID projectId) {
        return deployments.list(caller, projectId);
    }

    @Get("/deployments/{deploymentId}")
    DeploymentView get(@Parameter(hidden = true) Caller caller, UUID deploymentId) {
        return deployments.get(caller, deploymentId);
    }

    @Patch("/deployments/{deploymentId}")
    DeploymentView update(@Parameter(hidden = true) Caller caller, UUID deploymentId, @Body DeploymentRequest body) {
        return deployments.update(caller, deploymentId, body);
    }

    /** 202: deletion is asynchronous (instances drain first); the body shows the DELETING deployment. */
    @Delete("/deployments/{deploymentId}")
    HttpResponse<DeploymentView> delete(@Parameter(hidden = true) Caller caller, UUID deploymentId, @QueryValue @Nullable String confirm) {
        return HttpResponse.accepted().body(deployments.delete(caller, deploymentId, confirm));
    }

    @Get("/deployments/{deploymentId}/history")
    List<HistoryEntry> history(@Parameter(hidden = true) Caller caller, UUID deploymentId) {
        return deployments.history(caller, deploymentId);
    }

    /** Applies an earlier generation's settings again as a new generation (a normal rollout). */
    @Post("/deployments/{deploymentId}/rollback")
    DeploymentView rollback(@Parameter(hidden = true) Caller caller, UUID deploymentId,
                            @Body RollbackRequest body) {
        return deployments.rollback(caller, deploymentId, body);
    }

    /** Moves all traffic to one version of the deployment's model. */
    @Post("/deployments/{deploymentId}/promote")
    DeploymentView promote(@Parameter(hidden = true) Caller caller, UUID deploymentId, @Body PromoteRequest body) {
        return deployments.promote(caller, deploymentId, body);
    }

    @Get("/deployments/{deploymentId}/instances")
    List<InstanceView> instances(@Parameter(hidden = true) Caller caller, UUID deploymentId) {
        return deployments.instances(caller, deploymentId);
    }
}
