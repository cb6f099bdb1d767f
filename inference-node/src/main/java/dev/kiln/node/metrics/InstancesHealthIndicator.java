package dev.kiln.node.metrics;

import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.protocol.InstanceStatus;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import io.micronaut.core.async.publisher.Publishers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Readiness reflects loaded sessions: DOWN while any assigned instance is still loading, UP otherwise (a node with no
 * assignments is ready to take some). Each instance's state is in the details.
 */
@Singleton
@Readiness
public final class InstancesHealthIndicator implements HealthIndicator {
    private final InstanceManager instances;

    public InstancesHealthIndicator(InstanceManager instances) {
        this.instances = instances;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean loading = false;
        for (ServingInstance instance : instances.all()) {
            details.put(instance.id().toString(), instance.status().name());
            loading |= instance.status() == InstanceStatus.LOADING;
        }
        return Publishers.just(HealthResult.builder("instances", loading ? HealthStatus.DOWN : HealthStatus.UP)
                .details(details).build());
    }
}
