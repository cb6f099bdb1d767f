package dev.kiln.controlplane.gateway;

import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scale from zero (DESIGN §7): a request to an autoscaled deployment with no ready instance is held, without a
 * thread, until one is ready or the deployment's timeout passes, at most {@code kiln.activation.queue} per deployment
 * on this replica. While it holds any, the replica reports how many in deployment_demand, which the leader's
 * autoscaler reads (whichever replica leads) and starts instances for.
 */
@Singleton
class Activator {

    private static final Logger LOG = LoggerFactory.getLogger(Activator.class);

    private record Waiter(CompletableFuture<Activation> answer, long deadlineNanos) {
    }

    private static final class Held {
        final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
        final AtomicInteger count = new AtomicInteger();
    }

    private final UUID replica = UUID.randomUUID();
    private final RoutingTable routes;
    private final DemandRows rows;
    private final ActivationConfig config;
    private final ExecutorService blocking;
    private final Map<UUID, Held> held = new ConcurrentHashMap<>();
    /** Deployments reported with requests held last time, so a drop to zero is reported too. */
    private final Set<UUID> reported = ConcurrentHashMap.newKeySet();
    private volatile Set<UUID> autoscaled = Set.of();

    Activator(RoutingTable routes, DemandRows rows, ActivationConfig config,
              @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.routes = routes;
        this.rows = rows;
        this.config = config;
        this.blocking = blocking;
    }

    /** Completes when the deployment of {@code route} (which has no ready instance) has one, or why it will not. */
    CompletableFuture<Activation> activate(Route route) {
        if (!autoscaled.contains(route.deploymentId())) {
            return CompletableFuture.completedFuture(new Activation.Inactive());
        }
        int[] now = new int[1];
        // Counted under the map's lock, so poll() cannot drop this entry between the count and the add below.
        Held h = held.compute(route.deploymentId(), (id, existing) -> {
            Held entry = existing == null ? new Held() : existing;
            now[0] = entry.count.incrementAndGet();
            return entry;
        });
        if (now[0] > config.queue()) {
            h.count.decrementAndGet();
            return CompletableFuture.completedFuture(new Activation.Full(config.queue()));
        }
        CompletableFuture<Activation> answer = new CompletableFuture<>();
        h.waiters.add(new Waiter(answer, System.nanoTime() + route.timeoutMs() * 1_000_000L));
        if (now[0] == 1) {
            blocking.execute(this::report); // the first held request is news: the leader should hear it now
        }
        routes.refreshAsync();
        return answer;
    }

    /** Hands held requests a ready route, or their timeout. */
    @Scheduled(fixedDelay = "${kiln.activation.poll-interval:200ms}")
    void poll() {
        if (held.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (var entry : held.entrySet()) {
            Route route = routes.current(entry.getKey()).orElse(null);
            boolean ready = route != null && !route.ready().isEmpty();
            Held h = entry.getValue();
            for (Waiter waiter : h.waiters) {
                if (ready || now - waiter.deadlineNanos() >= 0) {
                    if (h.waiters.remove(waiter)) {
                        h.count.decrementAndGet();
                        waiter.answer().complete(ready ? new Activation.Ready(route) : new Activation.TimedOut());
                    }
                }
            }
        }
        held.keySet().forEach(id -> held.computeIfPresent(id, (key, h) -> h.count.get() == 0 ? null : h));
        routes.refreshAsync();
    }

    @Scheduled(fixedDelay = "${kiln.activation.report-interval:500ms}")
    void report() {
        Map<UUID, Integer> counts = new HashMap<>();
        held.forEach((id, h) -> counts.put(id, h.count.get()));
        reported.forEach(id -> counts.putIfAbsent(id, 0));
        if (counts.isEmpty()) {
            return;
        }
        try {
            rows.report(replica, counts);
            counts.forEach((id, n) -> {
                if (n > 0) {
                    reported.add(id);
                } else {
                    reported.remove(id);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not report the requests held for activation: {}", e.toString());
        }
    }

    @Scheduled(fixedDelay = "${kiln.gateway.refresh-interval:1s}")
    void refreshAutoscaled() {
        try {
            autoscaled = Set.copyOf(rows.autoscaled());
        } catch (RuntimeException e) {
            LOG.warn("Could not read which deployments are autoscaled; keeping the last answer: {}", e.toString());
        }
    }
}
