package dev.kiln.controlplane.logs;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.controlplane.stats.DeploymentScope;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
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
import io.micronaut.transaction.annotation.ReadOnly;

import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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
    private final JdbcOperations jdbc;

    LogController(DeploymentScope scope, JdbcOperations jdbc) {
        this.scope = scope;
        this.jdbc = jdbc;
    }

    @Get("/deployments/{deploymentId}/logs")
    @Operation(summary = "The deployment's log (loads, failures, refused requests, status changes), newest first")
    @ReadOnly
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
        List<LogEntry> rows = jdbc.prepareStatement("""
                SELECT id, deployment_id, at, level, kind, message, instance_id, node_id FROM deployment_events
                WHERE deployment_id = ? ORDER BY at DESC, id DESC LIMIT ? OFFSET ?""", statement -> {
            statement.setObject(1, deploymentId);
            statement.setInt(2, size + 1);
            statement.setLong(3, (long) (number - 1) * size);
            List<LogEntry> entries = new ArrayList<>();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    entries.add(new LogEntry(r.getLong(1), r.getObject(2, UUID.class),
                            r.getObject(3, OffsetDateTime.class).toInstant(), LogLevel.valueOf(r.getString(4)),
                            LogKind.valueOf(r.getString(5)), r.getString(6), r.getObject(7, UUID.class),
                            r.getObject(8, UUID.class)));
                }
            }
            return entries;
        });
        boolean hasMore = rows.size() > size;
        return new LogPage(number, size, hasMore, hasMore ? rows.subList(0, size) : rows);
    }
}
