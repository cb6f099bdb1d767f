package dev.kiln.node.metrics;

import dev.kiln.protocol.ErrorBody;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps the node's management port to health and metrics, which show the node's instances and versions: Micronaut
 * serves every other route on every port, so the gateway's instance API would otherwise answer there too, and the
 * management network is not the one the gateway reaches the node on. Runs first: simply not found.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class ManagementPortGuard implements Ordered {

    private static final Pattern MANAGEMENT = Pattern.compile("/health(/liveness|/readiness)?|/prometheus");

    private final int managementPort;

    ManagementPortGuard(@Value("${endpoints.all.port:-1}") int managementPort) {
        this.managementPort = managementPort;
    }

    @RequestFilter
    @Nullable
    MutableHttpResponse<ErrorBody> guard(HttpRequest<?> request) {
        if (managementPort <= 0 || request.getServerAddress().getPort() != managementPort
                || MANAGEMENT.matcher(request.getPath()).matches()) {
            return null;
        }
        return HttpResponse.<ErrorBody>status(HttpStatus.NOT_FOUND)
                .body(ErrorBody.of(404, "Only /health and /prometheus are served on the management port.", List.of(),
                        null));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
