package dev.kiln.controlplane.node;

import dev.kiln.protocol.ErrorBody;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import dev.kiln.controlplane.auth.Caller;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Status;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.Operation;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.List;
import java.util.UUID;

/**
 * Management API over the fleet (DESIGN §4.4); JWT-authenticated like the rest of /api/v1, for operators only
 * (see {@link Operators}).
 */
@Controller("/api/v1/nodes")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Fleet")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class NodesController {

    private final FleetViews views;
    private final NodeAdmin admin;

    NodesController(FleetViews views, NodeAdmin admin) {
        this.views = views;
        this.admin = admin;
    }

    @Get
    @Operation(summary = "List the fleet's nodes, their GPUs with the catalog type each counts as, and what runs "
            + "where (operators only)")
    List<FleetViews.NodeView> list(@Parameter(hidden = true) Caller caller) {
        return views.list(caller);
    }

    @Post("/{nodeId}/cordon")
    @Operation(summary = "Cordon a node: it keeps its instances but gets no new ones (operators only)")
    FleetViews.NodeView cordon(@Parameter(hidden = true) Caller caller, UUID nodeId) {
        return admin.cordon(caller, nodeId);
    }

    @Post("/{nodeId}/drain")
    @Operation(summary = "Drain a node: its instances move elsewhere, each removed once its replacement is READY "
            + "(operators only)")
    FleetViews.NodeView drain(@Parameter(hidden = true) Caller caller, UUID nodeId) {
        return admin.drain(caller, nodeId);
    }

    @Post("/{nodeId}/revoke")
    @Operation(summary = "Revoke a node's credential: it stops working at once, the node's instances are replaced "
            + "elsewhere, and it cannot re-register until deleted (operators only)")
    FleetViews.NodeView revoke(@Parameter(hidden = true) Caller caller, UUID nodeId) {
        return admin.revoke(caller, nodeId);
    }

    @Delete("/{nodeId}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a node: its credential stops working, its instances are replaced elsewhere, and "
            + "its name may join again with the join token (operators only)")
    void delete(@Parameter(hidden = true) Caller caller, UUID nodeId) {
        admin.delete(caller, nodeId);
    }

    @Post("/{nodeId}/uncordon")
    @Operation(summary = "Uncordon a cordoned or draining node: it gets new instances again (operators only)")
    FleetViews.NodeView uncordon(@Parameter(hidden = true) Caller caller, UUID nodeId) {
        return admin.uncordon(caller, nodeId);
    }
}
