package dev.kiln.node.metrics;

import dev.kiln.protocol.Cidr;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.management.health.indicator.HealthResult;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps the node's management port to health and metrics: Micronaut serves every other route on every port, so the
 * gateway's instance API would otherwise answer there too. What health and metrics show (the node's instances and
 * versions) is for the management network only ({@code KILN_NODE_MANAGEMENT_NETWORKS}, loopback by default): any
 * other caller gets the health status alone (UP or DOWN, with its HTTP status) and no metrics. Runs first.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class ManagementPortGuard implements Ordered {

    private static final Pattern HEALTH = Pattern.compile("/health(/liveness|/readiness)?");
    private static final String METRICS = "/prometheus";

    private final int managementPort;
    private final List<Cidr> networks;

    ManagementPortGuard(@Value("${endpoints.all.port:-1}") int managementPort,
                        @Value("${kiln.node.management-networks}") List<String> networks) {
        this.managementPort = managementPort;
        this.networks = networks.stream().filter(n -> !n.isBlank()).map(Cidr::parse).toList();
    }

    @RequestFilter
    @Nullable
    MutableHttpResponse<ErrorBody> guard(HttpRequest<?> request) {
        if (!onManagementPort(request)) {
            return null;
        }
        String path = request.getPath();
        if (!HEALTH.matcher(path).matches() && !METRICS.equals(path)) {
            return notFound("Only /health and /prometheus are served on the management port.");
        }
        if (METRICS.equals(path) && !fromManagementNetwork(request)) {
            return notFound("Metrics are served to the management network only (KILN_NODE_MANAGEMENT_NETWORKS).");
        }
        return null;
    }

    /** Runs after Micronaut has turned the health result into the HTTP status: only the body is cut down. */
    @ResponseFilter
    @SuppressWarnings("unchecked")
    void statusOnly(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (onManagementPort(request) && HEALTH.matcher(request.getPath()).matches()
                && !fromManagementNetwork(request)) {
            response.getBody(HealthResult.class).ifPresent(health -> ((MutableHttpResponse<Object>) response)
                    .body(Map.of("status", health.getStatus().getName())));
        }
    }

    private boolean onManagementPort(HttpRequest<?> request) {
        return managementPort > 0 && request.getServerAddress().getPort() == managementPort;
    }

    /** The socket's peer, never a forwarding header: the management port has no trusted proxy in front. */
    private boolean fromManagementNetwork(HttpRequest<?> request) {
        InetAddress peer = request.getRemoteAddress().getAddress();
        return peer != null && networks.stream().anyMatch(network -> network.contains(peer));
    }

    private static MutableHttpResponse<ErrorBody> notFound(String message) {
        return HttpResponse.<ErrorBody>status(HttpStatus.NOT_FOUND).body(ErrorBody.of(404, message, List.of(), null));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
