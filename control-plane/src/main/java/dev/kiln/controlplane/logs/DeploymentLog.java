package dev.kiln.controlplane.logs;

import dev.kiln.controlplane.common.Times;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes deployment log lines (DESIGN §9) in the caller's transaction, or in one of their own. Lines of a deployment that is gone
 * are dropped: its log went with it.
 */
@Singleton
public class DeploymentLog {

    private static final Logger LOG = LoggerFactory.getLogger(DeploymentLog.class);
    private static final int MAX_MESSAGE = 2000;

    private final JdbcOperations jdbc;
    private final TransactionOperations<Connection> tx;
    private final Clock clock;

    DeploymentLog(JdbcOperations jdbc, TransactionOperations<Connection> tx, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
    }

    public void record(UUID deploymentId, LogLevel level, LogKind kind, String message, @Nullable UUID instanceId,
                       @Nullable UUID nodeId) {
        record(deploymentId, Times.now(clock), level, kind, message, instanceId, nodeId);
    }

    public void record(UUID deploymentId, Instant at, LogLevel level, LogKind kind, String message,
                       @Nullable UUID instanceId, @Nullable UUID nodeId) {
        // Joins the caller's transaction; events published after a commit (or off a request thread) get their own.
        tx.executeWrite(status -> jdbc.prepareStatement("""
                INSERT INTO deployment_events (deployment_id, at, level, kind, message, instance_id, node_id)
                SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM deployments WHERE id = ?)""", statement -> {
            statement.setObject(1, deploymentId);
            statement.setTimestamp(2, Timestamp.from(at));
            statement.setString(3, level.name());
            statement.setString(4, kind.name());
            statement.setString(5, message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…");
            statement.setObject(6, instanceId);
            statement.setObject(7, nodeId);
            statement.setObject(8, deploymentId);
            return statement.executeUpdate();
        }));
    }

    /** Page {@code number} (from 1) of the deployment's lines, newest first. */
    LogPage page(UUID deploymentId, int number, int size) {
        List<LogEntry> rows = tx.executeRead(status -> jdbc.prepareStatement("""
                SELECT id, deployment_id, at, level, kind, message, instance_id, node_id FROM deployment_events
                WHERE deployment_id = ? ORDER BY at DESC, id DESC LIMIT ? OFFSET ?""", statement -> {
            statement.setObject(1, deploymentId);
            statement.setInt(2, size + 1); // one more tells whether another page follows
            statement.setLong(3, (long) (number - 1) * size);
            List<LogEntry> entries = new ArrayList<>();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    entries.add(new LogEntry(r.getLong(1), r.getObject(2, UUID.class),
                            r.getObject(3, OffsetDateTime.class).toInstant(), LogLevel.valueOf(r.getString(4)),
                            LogKind.valueOf(r.getString(5)), r.getString(6), r.getObject(7, UUID.class),
                            r.getObject(8, UUID.class)));
                }
            }
            return entries;
        }));
        boolean hasMore = rows.size() > size;
        return new LogPage(number, size, hasMore, hasMore ? rows.subList(0, size) : rows);
    }

    /** A configuration change: a new instance count is a SCALE line, a new generation a ROLLOUT line. */
    public void changed(UUID deploymentId, int instancesBefore, int instancesAfter, int generationBefore,
                        int generationAfter) {
        if (instancesBefore != instancesAfter) {
            record(deploymentId, LogLevel.INFO, LogKind.SCALE, "Scaling from " + instancesBefore + " to "
                    + instancesAfter + " instance" + (instancesAfter == 1 ? "" : "s") + ".", null, null);
        }
        if (generationBefore != generationAfter) {
            record(deploymentId, LogLevel.INFO, LogKind.ROLLOUT, "Rolling out generation " + generationAfter
                    + ": new instances load before the old ones drain.", null, null);
        }
    }

    @EventListener
    void onInstanceStatus(InstanceStatusChanged change) {
        String instance = "Instance " + change.instanceId() + versionOf(change.instanceId());
        String node = change.nodeId() == null ? "" : " on node " + change.nodeId();
        switch (change.status()) {
            case LOADING -> record(change.deploymentId(), LogLevel.INFO, LogKind.LOAD,
                    instance + " is loading the model" + node + ".", change.instanceId(), change.nodeId());
            case READY -> record(change.deploymentId(), LogLevel.INFO, LogKind.LOAD,
                    instance + " is ready" + node + ".", change.instanceId(), change.nodeId());
            case FAILED -> record(change.deploymentId(), LogLevel.ERROR, LogKind.FAILURE,
                    instance + " failed" + node + ": " + (change.error() == null ? "no reason given" : change.error()),
                    change.instanceId(), change.nodeId());
            default -> record(change.deploymentId(), LogLevel.WARN, LogKind.LOAD,
                    instance + " is " + change.status() + node + ".", change.instanceId(), change.nodeId());
        }
    }

    /** " (version v2)", " (shadow version v3)", or nothing for an instance that is gone: lines say what ran. */
    private String versionOf(UUID instanceId) {
        return jdbc.prepareStatement("""
                SELECT mv.version_tag, i.shadow FROM instances i JOIN model_versions mv ON mv.id = i.model_version_id
                WHERE i.id = ?""", statement -> {
            statement.setObject(1, instanceId);
            try (ResultSet r = statement.executeQuery()) {
                return r.next() ? " (" + (r.getBoolean(2) ? "shadow " : "") + "version " + r.getString(1) + ")" : "";
            }
        });
    }

    @EventListener
    void onDeploymentStatus(DeploymentStatusChanged change) {
        LogLevel level = switch (change.status()) {
            case "FAILED" -> LogLevel.ERROR;
            case "DEGRADED", "PENDING" -> LogLevel.WARN;
            default -> LogLevel.INFO;
        };
        try {
            record(change.deploymentId(), level, LogKind.STATUS, "Status " + change.status()
                    + (change.reason() == null ? "." : ": " + change.reason()), null, null);
        } catch (RuntimeException e) {
            // Published after the scheduler's transaction: a lost log line must not stop its round.
            LOG.warn("Could not log the status of deployment {}: {}", change.deploymentId(), e.toString());
        }
    }
}
