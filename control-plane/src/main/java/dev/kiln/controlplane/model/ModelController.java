package dev.kiln.controlplane.model;

import dev.kiln.protocol.ErrorBody;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.model.Views.CreateModel;
import dev.kiln.controlplane.model.Views.ModelVersionView;
import dev.kiln.controlplane.model.Views.ModelView;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.List;
import java.util.UUID;

@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Models")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class ModelController {

    private final ModelService models;

    ModelController(ModelService models) {
        this.models = models;
    }

    @Post("/projects/{projectId}/models")
    HttpResponse<ModelView> create(@Parameter(hidden = true) Caller caller, UUID projectId, @Body CreateModel body) {
        return HttpResponse.created(models.create(caller, projectId, body));
    }

    @Get("/projects/{projectId}/models")
    List<ModelView> list(@Parameter(hidden = true) Caller caller, UUID projectId) {
        return models.list(caller, projectId);
    }

    @Get("/models/{modelId}")
    ModelView get(@Parameter(hidden = true) Caller caller, UUID modelId) {
        return models.get(caller, modelId);
    }

    /** 204; 409 while a deployment runs one of its versions. Artifacts nothing else references go with it. */
    @Delete("/models/{modelId}")
    HttpResponse<Void> delete(@Parameter(hidden = true) Caller caller, UUID modelId) {
        models.deleteModel(caller, modelId);
        return HttpResponse.noContent();
    }

    /** 204; 409 while a deployment runs it. Its artifact goes too when no other version references it. */
    @Delete("/model-versions/{versionId}")
    HttpResponse<Void> deleteVersion(@Parameter(hidden = true) Caller caller, UUID versionId) {
        models.deleteVersion(caller, versionId);
        return HttpResponse.noContent();
    }

    @Get("/model-versions/{versionId}")
    ModelVersionView version(@Parameter(hidden = true) Caller caller, UUID versionId) {
        return models.version(caller, versionId);
    }
}
