package dev.kiln.controlplane.gateway;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * How many control-plane replicas are serving now, so each enforces its share of every rate limit. Each replica
 * refreshes its own row on a timer (never on a request) and counts the rows refreshed within the timeout. If the
 * database is unreachable the last count stands.
 */
@Singleton
public class LiveReplicas {

    private static final Logger LOG = LoggerFactory.getLogger(LiveReplicas.class);

    private final UUID id = UUID.randomUUID();
    private final ReplicaRows rows;
    private final RateLimitConfig config;
    private volatile int count = 1;

    LiveReplicas(ReplicaRows rows, RateLimitConfig config) {
        this.rows = rows;
        this.config = config;
    }

    /** This replica and the others seen within the timeout; at least 1. */
    public int count() {
        return count;
    }

    @Scheduled(fixedDelay = "${kiln.gateway.replica-heartbeat:2s}")
    void heartbeat() {
        try {
            count = rows.beat(id, config.replicaTimeout());
        } catch (RuntimeException e) {
            LOG.warn("Could not refresh this replica's heartbeat; keeping {} live replicas: {}", count, e.toString());
        }
    }

    /** A replica shutting down leaves at once, so the others take over its share without waiting the timeout. */
    @PreDestroy
    void leave() {
        try {
            rows.leave(id);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove this replica's heartbeat: {}", e.toString());
        }
    }
}
