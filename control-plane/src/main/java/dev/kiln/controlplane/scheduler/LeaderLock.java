package dev.kiln.controlplane.scheduler;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Leader election among control-plane replicas: a session-level Postgres advisory lock held on one
 * dedicated connection. Whoever holds the connection holds the lock; if the connection dies, Postgres
 * releases the lock and another replica takes over at its next round.
 */
@Singleton
public class LeaderLock {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderLock.class);
    /** Arbitrary but fixed: "kilnschd" as a 64-bit number. */
    static final long LOCK_KEY = 0x6b696c6e73636864L;

    private final DataSource dataSource;
    private Connection held;
    private long term;
    private boolean closed;

    LeaderLock(DataSource dataSource) {
        // The raw pool, not the transaction-bound proxy: this connection lives outside any transaction.
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** True when this replica holds (or has just taken) the lock. */
    public synchronized boolean acquire() {
        if (closed) {
            return false; // shutting down: a round still running must not take the lock again after release()
        }
        if (held != null) {
            if (valid(held)) {
                return true;
            }
            LOG.warn("Lost the scheduler lock connection; leadership released");
            closeQuietly(held);
            held = null;
        }
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            if (tryLock(connection)) {
                held = connection;
                term++;
                LOG.info("This replica is now the scheduler leader");
                return true;
            }
        } catch (SQLException e) {
            LOG.warn("Could not try the scheduler lock: {}", e.getMessage());
        }
        closeQuietly(connection);
        return false;
    }

    /** Grows each time this replica takes the lock, so a caller can tell a new stint as leader from the last one. */
    public synchronized long term() {
        return term;
    }

    @PreDestroy
    public synchronized void close() {
        closed = true;
        release();
    }

    /** Gives the lock up; a later {@link #acquire()} may take it again. */
    public synchronized void release() {
        if (held != null) {
            try (PreparedStatement unlock = held.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, LOCK_KEY);
                unlock.execute();
            } catch (SQLException e) {
                LOG.debug("Unlock failed; closing the connection releases it anyway", e);
            }
            closeQuietly(held);
            held = null;
        }
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, LOCK_KEY);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    private static boolean valid(Connection connection) {
        try {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing a lock connection failed", e);
            }
        }
    }
}
