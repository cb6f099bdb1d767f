package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
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

import java.util.UUID;

@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Stats")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class StatsController {

    private final StatsService stats;
    private final VersionStats versions;

    StatsController(StatsService stats, VersionStats versions) {
        this.stats = stats;
        this.versions = versions;
    }

    @Get("/deployments/{deploymentId}/stats/versions")
    @Operation(summary = "Per model version of the deployment (canary, shadow) over the last minutes (default 5, at "
            + "most 60): requests, rate, error rate and p95 latency")
    VersionStats.ByVersion byVersion(@Parameter(hidden = true) Caller caller, UUID deploymentId,
                                     @QueryValue @Nullable Integer minutes) {
        return versions.byVersion(caller, deploymentId, minutes);
    }

    @Get("/deployments/{deploymentId}/stats")
    @Operation(summary = "Uptime, availability and series (requests, errors, latency percentiles, concurrency, CPU, "
            + "memory, GPU) per step; from/to ISO-8601 instants (default: the last hour), step in seconds "
            + "(default: fits the range)")
    StatsViews.Stats stats(@Parameter(hidden = true) Caller caller, UUID deploymentId,
                           @QueryValue @Nullable String from, @QueryValue @Nullable String to,
                           @QueryValue @Nullable Long step) {
        return stats.stats(caller, deploymentId, from, to, step);
    }

    @Get("/projects/{projectId}/stats/summary")
    @Operation(summary = "Per deployment of the project over the last minutes: requests, rate, error rate, p95 "
            + "latency and a 12-point sparkline of requests")
    StatsViews.Summary summary(@Parameter(hidden = true) Caller caller, UUID projectId,
                               @QueryValue @Nullable Integer minutes) {
        return stats.summary(caller, projectId, minutes);
    }
}
