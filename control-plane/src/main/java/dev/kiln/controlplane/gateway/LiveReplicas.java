package dev.kiln.controlplane.gateway;

import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.util.UUID;

/**
 * How many control-plane replicas are serving now, so each enforces its share of every rate limit. Each replica
 * refreshes its own row on a timer (never on a request) and counts the rows refreshed within the timeout; the
 * database's clock stamps them, so replicas with skewed clocks still agree. If the database is unreachable the
 * last count stands.
 */
@Singleton
public class LiveReplicas {

    private static final Logger LOG = LoggerFactory.getLogger(LiveReplicas.class);

    private final UUID id = UUID.randomUUID();
    private final JdbcOperations jdbc;
    private final RateLimitConfig config;
    private volatile int count = 1;

    LiveReplicas(JdbcOperations jdbc, RateLimitConfig config) {
        this.jdbc = jdbc;
        this.config = config;
    }

    /** This replica and the others seen within the timeout; at least 1. */
    public int count() {
        return count;
    }

    @Scheduled(fixedDelay = "${kiln.gateway.replica-heartbeat:2s}")
    void heartbeat() {
        try {
            count = beat();
        } catch (DataAccessException e) {
            LOG.warn("Could not refresh this replica's heartbeat; keeping {} live replicas: {}", count, e.toString());
        }
    }

    /**
     * One statement: refresh our row, drop rows long dead, count the others alive (the CTEs' writes are not
     * visible to the count, hence "others + 1").
     */
    @Transactional
    int beat() {
        double timeoutSeconds = config.replicaTimeout().toMillis() / 1000.0;
        return jdbc.prepareStatement("""
                WITH beat AS (INSERT INTO gateway_replicas (id, seen_at) VALUES (?, now())
                              ON CONFLICT (id) DO UPDATE SET seen_at = now()),
                     gone AS (DELETE FROM gateway_replicas WHERE seen_at < now() - make_interval(secs => ?) * 10)
                SELECT count(*) + 1 FROM gateway_replicas
                WHERE id <> ? AND seen_at > now() - make_interval(secs => ?)""", s -> {
            s.setObject(1, id);
            s.setDouble(2, timeoutSeconds);
            s.setObject(3, id);
            s.setDouble(4, timeoutSeconds);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }

    /** A replica shutting down leaves at once, so the others take over its share without waiting the timeout. */
    @PreDestroy
    @Transactional
    void leave() {
        try {
            jdbc.prepareStatement("DELETE FROM gateway_replicas WHERE id = ?", s -> {
                s.setObject(1, id);
                return s.executeUpdate();
            });
        } catch (DataAccessException e) {
            LOG.warn("Could not remove this replica's heartbeat: {}", e.toString());
        }
    }
}
