package dev.kiln.controlplane.node;

import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;

/**
 * Parks assignment long-polls without holding a thread each: a waiting poll is a future completed when its
 * node's version moves past the version the node already has, or when its wait is over. Changes made by
 * this replica wake waiters at once (event); changes made by another replica are seen by a shared poll of
 * the waiting nodes' versions every {@code kiln.nodes.assignments-poll-interval}.
 */
@Singleton
public class AssignmentsWaiter {

    private static final Logger LOG = LoggerFactory.getLogger(AssignmentsWaiter.class);

    private record Waiter(UUID nodeId, long after, CompletableFuture<Void> done) {
    }

    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final NodeRepository nodes;
    private final TaskScheduler timer;
    private final ExecutorService blocking;

    AssignmentsWaiter(NodeRepository nodes, TaskScheduler timer,
                      @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.nodes = nodes;
        this.timer = timer;
        this.blocking = blocking;
    }

    /**
     * Completes when the node's assignments version exceeds {@code after}, or after {@code wait}.
     * Reads the database once up front: call it off the event loop.
     */
    public CompletableFuture<Void> awaitChange(UUID nodeId, long after, Duration wait) {
        long current = nodes.findAssignmentsVersion(nodeId).orElse(0L);
        if (current > after || wait.isZero() || wait.isNegative()) {
            return CompletableFuture.completedFuture(null);
        }
        Waiter waiter = new Waiter(nodeId, after, new CompletableFuture<>());
        waiters.add(waiter);
        var timeout = timer.schedule(wait, () -> waiter.done().complete(null));
        waiter.done().whenComplete((ignored, error) -> {
            waiters.remove(waiter);
            timeout.cancel(false);
        });
        return waiter.done();
    }

    @EventListener
    void onChange(AssignmentsChanged change) {
        if (waiters.stream().anyMatch(w -> change.nodeIds().contains(w.nodeId()))) {
            blocking.execute(() -> check(change.nodeIds()));
        }
    }

    @Scheduled(fixedDelay = "${kiln.nodes.assignments-poll-interval:250ms}")
    void poll() {
        if (!waiters.isEmpty()) {
            check(waiters.stream().map(Waiter::nodeId).collect(Collectors.toSet()));
        }
    }

    /** Wakes every waiter on these nodes whose version has moved. */
    private void check(Set<UUID> nodeIds) {
        try {
            Map<UUID, Long> versions = nodes.findByIdIn(nodeIds).stream()
                    .collect(Collectors.toMap(Node::id, Node::assignmentsVersion));
            for (Waiter waiter : waiters) {
                Long version = versions.get(waiter.nodeId());
                if (version != null && version > waiter.after()) {
                    waiter.done().complete(null);
                }
            }
        } catch (RuntimeException e) {
            // The database may be briefly away; waiters then return at their timeout with what is current.
            LOG.warn("Could not check assignments versions: {}", e.getMessage());
        }
    }

    @PreDestroy
    void close() {
        waiters.forEach(w -> w.done().complete(null));
    }
}
