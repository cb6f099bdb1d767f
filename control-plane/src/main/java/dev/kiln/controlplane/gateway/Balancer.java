package dev.kiln.controlplane.gateway;

import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Least-outstanding-requests choice among a deployment's ready instances, counted in this replica. */
@Singleton
public class Balancer {

    private final Map<UUID, AtomicInteger> outstanding = new ConcurrentHashMap<>();

    /** The ready instance with the fewest requests in flight, skipping {@code exclude}; ties at random. */
    public Optional<Target> pick(List<Target> ready, Collection<UUID> exclude) {
        Target best = null;
        int bestLoad = Integer.MAX_VALUE;
        int offset = ready.isEmpty() ? 0 : ThreadLocalRandom.current().nextInt(ready.size());
        for (int k = 0; k < ready.size(); k++) {
            Target candidate = ready.get((offset + k) % ready.size());
            if (exclude.contains(candidate.instanceId())) {
                continue;
            }
            int load = outstanding(candidate.instanceId());
            if (load < bestLoad) {
                best = candidate;
                bestLoad = load;
            }
        }
        return Optional.ofNullable(best);
    }

    public void started(Target target) {
        // Inside compute, so a concurrent finished() cannot drop the counter between lookup and increment.
        outstanding.compute(target.instanceId(), (id, count) -> {
            AtomicInteger current = count == null ? new AtomicInteger() : count;
            current.incrementAndGet();
            return current;
        });
    }

    public void finished(Target target) {
        outstanding.computeIfPresent(target.instanceId(), (id, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    public int outstanding(UUID instanceId) {
        AtomicInteger count = outstanding.get(instanceId);
        return count == null ? 0 : count.get();
    }
}
