package dev.kiln.controlplane.gateway;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls of one project key in progress on this replica, capped so one key cannot hold every connection, byte and
 * node slot of the gateway while other tenants wait (429 + Retry-After beyond the cap).
 */
final class KeyConcurrency {

    private final int limit;
    // Counted inside compute() so a key's entry is never dropped while another call is entering.
    private final ConcurrentHashMap<UUID, Integer> inFlight = new ConcurrentHashMap<>();

    KeyConcurrency(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("The per-key concurrency limit must be positive, got " + limit);
        }
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** Counts one more call of {@code key}; false (nothing counted) when it already has {@code limit}. */
    boolean tryEnter(UUID key) {
        boolean[] entered = {false};
        inFlight.compute(key, (k, count) -> {
            int now = count == null ? 0 : count;
            if (now >= limit) {
                return count;
            }
            entered[0] = true;
            return now + 1;
        });
        return entered[0];
    }

    void exit(UUID key) {
        inFlight.computeIfPresent(key, (k, count) -> count == 1 ? null : count - 1);
    }

    int inFlight(UUID key) {
        return inFlight.getOrDefault(key, 0);
    }
}
