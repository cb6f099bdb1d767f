package dev.kiln.controlplane.node;

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
@ExecuteOn(TaskExecutors.BLOCKING)
class NodesController {

    private final FleetViews views;

    NodesController(FleetViews views) {
        this.views = views;
    }

    @Get
    List<FleetViews.NodeView> list(Caller caller) {
        return views.list(caller);
    }
}
