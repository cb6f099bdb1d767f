package dev.kiln.controlplane.node;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.List;

/** The GPU type catalog (DESIGN §4.4, §7); see {@link GpuTypeCatalog} for who may change it and how GPUs match. */
@Controller("/api/v1/gpu-types")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Fleet")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class GpuTypesController {

    private final GpuTypeCatalog catalog;

    GpuTypesController(GpuTypeCatalog catalog) {
        this.catalog = catalog;
    }

    @Get
    @Operation(summary = "List the GPU types deployments may ask for",
            description = "Any signed-in user may read the catalog.")
    List<GpuType> list() {
        return catalog.list();
    }

    @Post
    @Operation(summary = "Add a GPU type (operators only)",
            description = "Operators are users flagged as such (the bootstrap admin is one); others get 403. The name "
                    + "is 1 to 64 letters, digits, spaces, '.', '_' or '-', unique ignoring case (409 otherwise); "
                    + "memoryBytes is the memory of one GPU. A node's GPU is of this type when every word of the "
                    + "name is a word of the GPU's name as the driver reports it (type \"H100 80GB\" matches "
                    + "\"NVIDIA H100 80GB HBM3\"; \"L4\" matches \"NVIDIA L4\" but not \"NVIDIA L40S\").")
    HttpResponse<GpuType> create(@Parameter(hidden = true) Caller caller, @Body GpuTypeCatalog.GpuTypeRequest body) {
        return HttpResponse.created(catalog.create(caller, body));
    }
}
