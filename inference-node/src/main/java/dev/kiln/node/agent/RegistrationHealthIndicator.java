package dev.kiln.node.agent;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import java.util.Map;

/** Readiness: the node holds credentials from the control plane (issued now or saved from an earlier start). */
@Singleton
@Readiness
@Requires(property = "kiln.node.agent-enabled", notEquals = "false")
final class RegistrationHealthIndicator implements HealthIndicator {
    private final CredentialsHolder credentials;

    RegistrationHealthIndicator(CredentialsHolder credentials) {
        this.credentials = credentials;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        HealthResult result = credentials.current()
                .map(c -> HealthResult.builder("registration", HealthStatus.UP)
                        .details(Map.of("nodeId", c.nodeId().toString())).build())
                .orElseGet(() -> HealthResult.builder("registration", HealthStatus.DOWN)
                        .details(Map.of("nodeId", "not registered yet")).build());
        return Publishers.just(result);
    }
}
