package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.common.ErrorResponses;
import dev.kiln.controlplane.gateway.RoutingTable;
import dev.kiln.controlplane.keys.KeyFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the gateway observes about each data-plane request naming a deployment: its latency in the Prometheus
 * histogram {@code kiln_gateway_requests_seconds} (labels deployment and status), one line on the
 * {@code kiln.requests} logger (predictId, deployment, keyPrefix, status, latencyMs — never a secret), and, for a
 * request the gateway refused itself, a count in the deployment's stats (nodes count what they answered).
 * Deployment labels are only ever ids of existing deployments, so made-up paths cannot grow the metrics.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class GatewayObservations {

    /**
     * Set on a response the gateway wrote itself rather than relayed from a node: true when it refused the request
     * before any node saw it (those are counted here), false where it reworded a node's answer (counted there).
     */
    public static final String REFUSED_ATTRIBUTE = "kiln.gateway.refused";

    private static final Logger REQUESTS = LoggerFactory.getLogger("kiln.requests");
    private static final String STARTED = "kiln.gateway.started";
    private static final String DEPLOYMENT = "kiln.gateway.deployment";
    /** The data-plane paths that name a deployment (DESIGN §4.1, §4.2); group 1 to 4 is its id. */
    private static final Pattern NAMES_DEPLOYMENT = Pattern.compile(
            "/(?!api/|internal/|v1/|v2/)([^/]+)/(?:predict|ping|info|predictions/[^/]+)|/v1/models/([^/:]+)(?::predict)?"
                    + "|/predictions/([^/]+)|/v2/models/([^/]+)(?:/ready|/infer)?");

    private final RoutingTable routes;
    private final GatewayRefusals refusals;
    private final MeterRegistry meters;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    GatewayObservations(RoutingTable routes, GatewayRefusals refusals, MeterRegistry meters) {
        this.routes = routes;
        this.refusals = refusals;
        this.meters = meters;
    }

    @RequestFilter
    void start(HttpRequest<?> request) {
        Matcher matcher = NAMES_DEPLOYMENT.matcher(request.getPath());
        if (!matcher.matches()) {
            return;
        }
        for (int group = 1; group <= matcher.groupCount(); group++) {
            if (matcher.group(group) != null) {
                request.setAttribute(DEPLOYMENT, matcher.group(group));
            }
        }
        request.setAttribute(STARTED, System.nanoTime());
    }

    @ResponseFilter
    void finish(HttpRequest<?> request, MutableHttpResponse<?> response) {
        Long started = request.getAttribute(STARTED, Long.class).orElse(null);
        if (started == null) {
            return;
        }
        long nanos = System.nanoTime() - started;
        String named = request.getAttribute(DEPLOYMENT, String.class).orElse("");
        UUID deploymentId = existing(named);
        int status = response.code();
        String label = deploymentId == null ? "unknown" : deploymentId.toString();
        timers.computeIfAbsent(label + ' ' + status, k -> Timer.builder("kiln.gateway.requests")
                        .description("Data-plane requests through the gateway, by deployment and status")
                        .tag("deployment", label).tag("status", Integer.toString(status))
                        .publishPercentileHistogram().register(meters))
                .record(nanos, TimeUnit.NANOSECONDS);
        if (deploymentId != null && response.getAttribute(REFUSED_ATTRIBUTE, Boolean.class).orElse(false)) {
            refusals.record(deploymentId, status);
        }
        String predictId = request.getAttribute(ErrorResponses.PREDICT_ID_ATTRIBUTE, String.class).orElse(null);
        String keyPrefix = keyPrefix(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(nanos);
        REQUESTS.atInfo().addKeyValue("predictId", predictId).addKeyValue("deployment", named)
                .addKeyValue("keyPrefix", keyPrefix).addKeyValue("status", status).addKeyValue("latencyMs", latencyMs)
                .log("{} {} deployment={} status={} latencyMs={} keyPrefix={} predictId={}", request.getMethodName(),
                        request.getPath(), named, status, latencyMs, keyPrefix, predictId);
    }

    private @Nullable UUID existing(String named) {
        if (named.length() != 36) {
            return null;
        }
        try {
            UUID id = UUID.fromString(named);
            return routes.current(id).isPresent() ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The visible prefix of a Kiln key, never more; nothing for anything else someone may have sent. */
    private static @Nullable String keyPrefix(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return KeyFormat.loggablePrefix(authorization.substring(7).trim());
    }
}
