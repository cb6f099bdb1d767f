package dev.kiln.controlplane.stats;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * {@code GET /health} on the public port: UP when the database answers, for load balancers that only see that
 * port. Micronaut's health endpoints (liveness, readiness) are on the management port; this is not one of them.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@Tag(name = "Health")
@ExecuteOn(TaskExecutors.BLOCKING)
class PublicHealth {

    private final DataSource dataSource;

    PublicHealth(DataSource dataSource) {
        // The raw pool: this check runs outside any transaction.
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    @Get("/health")
    @SecurityRequirements
    @Operation(summary = "UP (200) when the control plane can reach its database, else DOWN (503)")
    HttpResponse<Map<String, String>> health() {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(2)) {
                return HttpResponse.ok(Map.of("status", "UP"));
            }
        } catch (SQLException e) {
            // DOWN below
        }
        return HttpResponse.<Map<String, String>>status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("status", "DOWN"));
    }
}
