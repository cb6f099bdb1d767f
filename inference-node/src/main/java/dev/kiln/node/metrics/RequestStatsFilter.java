package dev.kiln.node.metrics;

import dev.kiln.node.predict.PredictResponse;
import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.protocol.InternalPaths;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Measures every prediction and tensor inference an instance answers, whatever its outcome (200, 4xx, 503 queue
 * full, 504, 500): into the instance's stats window, the per-deployment Prometheus histogram, and one line on the
 * {@code kiln.requests} logger. Evaluation traffic (the gateway's {@link InternalPaths#TRAFFIC_HEADER}) counts
 * as a request and as an evaluation. Outermost of the filters, so the time runs from arrival to the response.
 */
@ServerFilter({"/internal/v1/instances/*/predict", "/internal/v1/instances/*/infer"})
@Order(Ordered.HIGHEST_PRECEDENCE)
final class RequestStatsFilter {
    private static final Logger REQUESTS = LoggerFactory.getLogger("kiln.requests");
    private static final String ARRIVED = "kiln.stats.arrived";
    private static final String STATS = "kiln.stats.instance";
    private static final long NANOS_PER_MS = 1_000_000;
    private final StatsWindows windows;
    private final InstanceManager instances;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    RequestStatsFilter(StatsWindows windows, InstanceManager instances, @Nullable MeterRegistry registry) {
        this.windows = windows;
        this.instances = instances;
        this.registry = registry;
    }

    @RequestFilter
    void arrived(HttpRequest<?> request) {
        request.setAttribute(ARRIVED, System.nanoTime());
        instance(request).ifPresent(i -> request.setAttribute(STATS,
                windows.arrived(i.id(), i.assignment().deploymentId())));
    }

    @ResponseFilter
    void answered(HttpRequest<?> request, MutableHttpResponse<?> response) {
        long arrived = request.getAttribute(ARRIVED, Long.class).orElse(System.nanoTime());
        long totalNanos = System.nanoTime() - arrived;
        int status = response.code();
        Optional<InstanceStats> stats = request.getAttribute(STATS, InstanceStats.class);
        boolean evaluation = InternalPaths.EVALUATION_TRAFFIC.equals(
                request.getHeaders().get(InternalPaths.TRAFFIC_HEADER));
        stats.ifPresent(s -> windows.finished(s, outcome(status, totalNanos, arrived, response), evaluation));
        String deployment = stats.map(s -> s.deploymentId.toString()).orElse("-");
        if (registry != null && stats.isPresent()) {
            timer(deployment, status).record(totalNanos, TimeUnit.NANOSECONDS);
        }
        REQUESTS.atInfo()
                .addKeyValue("predictId", response.getHeaders().get(InternalPaths.PREDICT_ID_HEADER))
                .addKeyValue("deployment", deployment)
                .addKeyValue("status", status)
                .addKeyValue("latencyMs", totalNanos / (double) NANOS_PER_MS)
                .log("{} {} {} {} {}ms", request.getMethod(), request.getPath(), status,
                        response.getHeaders().get(InternalPaths.PREDICT_ID_HEADER),
                        Math.round(totalNanos / 1000.0) / 1000.0);
    }

    /** The model's share of the time where the answer tells it (a prediction's timing); else only the total. */
    private static RequestOutcome outcome(int status, long totalNanos, long arrived, MutableHttpResponse<?> response) {
        Object body = response.getBody().orElse(null);
        if (body instanceof PredictResponse p && p.timing() != null) {
            PredictResponse.Timing t = p.timing();
            long preprocess = (long) (t.preprocessMs() * NANOS_PER_MS);
            return new RequestOutcome(status, totalNanos, true, arrived + preprocess,
                    (long) (t.queueMs() * NANOS_PER_MS), (long) (t.inferenceMs() * NANOS_PER_MS));
        }
        return RequestOutcome.untimed(status, totalNanos);
    }

    private Optional<ServingInstance> instance(HttpRequest<?> request) {
        // /internal/v1/instances/{instanceId}/...
        String[] segments = request.getPath().split("/");
        if (segments.length < 5) {
            return Optional.empty();
        }
        try {
            return instances.find(UUID.fromString(segments[4]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Timer timer(String deployment, int status) {
        String outcome = (status / 100) + "xx";
        return timers.computeIfAbsent(deployment + ' ' + outcome, key -> Timer.builder("kiln.node.requests")
                .description("Predictions and tensor inferences answered by this node's instances, by deployment")
                .tag("deployment", deployment)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry));
    }
}
