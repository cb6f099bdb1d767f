package dev.kiln.controlplane.node;

import dev.kiln.protocol.ErrorBody;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import dev.kiln.controlplane.auth.Caller;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.List;

/** Management API over the fleet (DESIGN §4.4); JWT-authenticated like the rest of /api/v1. */
@Controller("/api/v1/nodes")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Fleet")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class NodesController {

    private final FleetViews views;

    NodesController(FleetViews views) {
        this.views = views;
    }

    @Get
    List<FleetViews.NodeView> list(@Parameter(hidden = true) Caller caller) {
        return views.list(caller);
    }
}
