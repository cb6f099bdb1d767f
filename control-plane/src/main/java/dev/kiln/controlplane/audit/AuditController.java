package dev.kiln.controlplane.audit;

import dev.kiln.protocol.ErrorBody;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import dev.kiln.controlplane.auth.Caller;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.UUID;

@Controller("/api/v1/audit")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Audit")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class AuditController {

    private final AuditService audit;

    AuditController(AuditService audit) {
        this.audit = audit;
    }

    @Get
    AuditPage page(@Parameter(hidden = true) Caller caller, @QueryValue @Nullable UUID organizationId, @QueryValue @Nullable UUID projectId,
                   @QueryValue @Nullable Integer page,
                   @Parameter(description = "true: the fleet's trail (nodes; operators only) instead of an organization's")
                   @QueryValue(defaultValue = "false") boolean fleet) {
        return fleet ? audit.fleetPage(caller, page) : audit.page(caller, organizationId, projectId, page);
    }
}
