package dev.kiln.controlplane.quota;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The SQL behind quotas, run on the caller's transaction. It reads other features' tables directly (deployments,
 * keys, model versions, memberships) so this package depends on none of them and each of them can call in.
 */
@Singleton
class QuotaStore {

    private final JdbcOperations jdbc;

    QuotaStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Locks the organization's row until the transaction ends, so quota checks of one organization run one after
     * the other on every replica; false when there is no such organization.
     */
    boolean lockOrganization(UUID organizationId) {
        return exists("SELECT id FROM organizations WHERE id = ? FOR UPDATE", organizationId);
    }

    /** Locks the user's row, so two organizations created at once by one user are counted one after the other. */
    boolean lockUser(UUID userId) {
        return exists("SELECT id FROM users WHERE id = ? FOR UPDATE", userId);
    }

    boolean organizationExists(UUID organizationId) {
        return exists("SELECT id FROM organizations WHERE id = ?", organizationId);
    }

    boolean isOperator(UUID userId) {
        return exists("SELECT id FROM users WHERE id = ? AND is_operator", userId);
    }

    boolean isMember(UUID organizationId, UUID userId) {
        return jdbc.prepareStatement("SELECT 1 FROM memberships WHERE organization_id = ? AND user_id = ?", s -> {
            s.setObject(1, organizationId);
            s.setObject(2, userId);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next();
            }
        });
    }

    long ownedOrganizations(UUID userId) {
        return count("SELECT count(*) FROM memberships WHERE user_id = ? AND role = 'OWNER'", userId);
    }

    /** The organization's own limits; a quota missing here has the configured default. */
    Map<Quota, Long> overrides(UUID organizationId) {
        return jdbc.prepareStatement("SELECT * FROM organization_quotas WHERE organization_id = ?", s -> {
            s.setObject(1, organizationId);
            Map<Quota, Long> limits = new EnumMap<>(Quota.class);
            try (ResultSet rows = s.executeQuery()) {
                if (rows.next()) {
                    for (Quota quota : Quota.values()) {
                        long value = rows.getLong(quota.column());
                        if (!rows.wasNull()) {
                            limits.put(quota, value);
                        }
                    }
                }
            }
            return limits;
        });
    }

    /**
     * What the organization uses now. Deployments being deleted no longer count; keys count until revoked or
     * expired; model storage is the size of each distinct artifact its model versions use, so a file uploaded as
     * several versions (or into several of its projects) counts once.
     */
    Map<Quota, Long> usage(UUID organizationId, Instant now) {
        Map<Quota, Long> used = new EnumMap<>(Quota.class);
        jdbc.prepareStatement("""
                SELECT count(*), coalesce(sum(r.reserved), 0), coalesce(sum(r.reserved * d.gpus_per_instance), 0)
                FROM deployments d JOIN projects p ON p.id = d.project_id
                -- an autoscaled deployment holds its maximum: it may grow to it without asking
                CROSS JOIN LATERAL (SELECT greatest(d.instances, coalesce(d.autoscale_max_instances, 0)) AS reserved) r
                WHERE p.organization_id = ? AND d.status <> 'DELETING'""", s -> {
            s.setObject(1, organizationId);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                used.put(Quota.DEPLOYMENTS, rows.getLong(1));
                used.put(Quota.INSTANCES, rows.getLong(2));
                used.put(Quota.GPUS, rows.getLong(3));
            }
            return null;
        });
        used.put(Quota.KEYS, jdbc.prepareStatement("""
                SELECT count(*) FROM project_keys k JOIN projects p ON p.id = k.project_id
                WHERE p.organization_id = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)""",
                s -> {
                    s.setObject(1, organizationId);
                    s.setTimestamp(2, Timestamp.from(now));
                    try (ResultSet rows = s.executeQuery()) {
                        rows.next();
                        return rows.getLong(1);
                    }
                }));
        used.put(Quota.MODEL_STORAGE_BYTES, count("""
                SELECT coalesce(sum(a.size_bytes), 0) FROM artifacts a WHERE a.sha256 IN (
                    SELECT mv.artifact_sha256 FROM model_versions mv JOIN models m ON m.id = mv.model_id
                    JOIN projects p ON p.id = m.project_id WHERE p.organization_id = ?)""", organizationId));
        used.put(Quota.CAPTURE_STORAGE_BYTES, count(
                "SELECT coalesce(sum(size_bytes), 0) FROM captures WHERE organization_id = ?", organizationId));
        return used;
    }

    /** Whether a model version of the organization already uses this artifact (it then costs no more storage). */
    boolean usesArtifact(UUID organizationId, String sha256) {
        return jdbc.prepareStatement("""
                SELECT 1 FROM model_versions mv JOIN models m ON m.id = mv.model_id
                JOIN projects p ON p.id = m.project_id WHERE p.organization_id = ? AND mv.artifact_sha256 = ?
                LIMIT 1""", s -> {
            s.setObject(1, organizationId);
            s.setString(2, sha256);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next();
            }
        });
    }

    /** Sets the given limits (null: back to the default) and leaves the others as they were. */
    void setOverrides(UUID organizationId, Map<Quota, Optional<Long>> changes, Instant now) {
        String columns = changes.keySet().stream().map(q -> ", " + q.column()).collect(Collectors.joining());
        String values = ", ?".repeat(changes.size());
        String updates = changes.keySet().stream().map(q -> q.column() + " = EXCLUDED." + q.column() + ", ")
                .collect(Collectors.joining());
        jdbc.prepareStatement("INSERT INTO organization_quotas (organization_id, updated_at" + columns + ") "
                + "VALUES (?, ?" + values + ") ON CONFLICT (organization_id) DO UPDATE SET " + updates
                + "updated_at = EXCLUDED.updated_at", s -> {
            s.setObject(1, organizationId);
            s.setTimestamp(2, Timestamp.from(now));
            int i = 3;
            for (Optional<Long> value : changes.values()) {
                s.setObject(i++, value.orElse(null), java.sql.Types.BIGINT);
            }
            return s.executeUpdate();
        });
    }

    private boolean exists(String sql, UUID id) {
        return jdbc.prepareStatement(sql, s -> {
            s.setObject(1, id);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next();
            }
        });
    }

    private long count(String sql, UUID id) {
        return jdbc.prepareStatement(sql, s -> {
            s.setObject(1, id);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }
}
