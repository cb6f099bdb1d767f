package dev.kiln.controlplane.logs;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.controlplane.stats.DeploymentScope;
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

import java.util.List;
import java.util.UUID;

@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Deployments")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class LogController {

    static final int MAX_PAGE_SIZE = 500;

    private final DeploymentScope scope;
    private final DeploymentLog log;

    LogController(DeploymentScope scope, DeploymentLog log) {
        this.scope = scope;
        this.log = log;
    }

    @Get("/deployments/{deploymentId}/logs")
    @Operation(summary = "The deployment's log (loads, failures, refused requests, status changes), newest first")
    LogPage logs(@Parameter(hidden = true) Caller caller, UUID deploymentId, @QueryValue @Nullable Integer page,
                 @QueryValue @Nullable Integer pageSize) {
        int number = page == null ? 1 : page;
        int size = pageSize == null ? 50 : pageSize;
        if (number < 1 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new InvalidInputException("page must be 1 or more and pageSize between 1 and " + MAX_PAGE_SIZE + ".",
                    List.of(new ErrorBody.Detail(List.of("query", number < 1 ? "page" : "pageSize"),
                            number < 1 ? "must be 1 or more" : "must be between 1 and " + MAX_PAGE_SIZE,
                            "value_error.number")));
        }
        scope.readable(caller, deploymentId);
        return log.page(deploymentId, number, size);
    }
}
