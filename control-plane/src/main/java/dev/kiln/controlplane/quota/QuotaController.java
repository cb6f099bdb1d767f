package dev.kiln.controlplane.quota;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.quota.QuotaViews.QuotasView;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.annotation.Body;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.UUID;

@Controller("/api/v1/organizations/{orgId}/quotas")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Quotas")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class QuotaController {

    private final Quotas quotas;

    QuotaController(Quotas quotas) {
        this.quotas = quotas;
    }

    @Get
    QuotasView get(@Parameter(hidden = true) Caller caller, UUID orgId) {
        return quotas.read(caller, orgId);
    }

    /** Operators only: {instances?, gpus?, deployments?, keys?, modelStorageBytes?, captureStorageBytes?}; null restores the default. */
    @Patch
    QuotasView patch(@Parameter(hidden = true) Caller caller, UUID orgId, @Body JsonNode body) {
        return quotas.change(caller, orgId, body);
    }
}
