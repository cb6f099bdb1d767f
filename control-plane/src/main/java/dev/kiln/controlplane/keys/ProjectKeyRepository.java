package dev.kiln.controlplane.keys;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ProjectKeyRepository extends CrudRepository<ProjectKey, UUID> {

    List<ProjectKey> findByProjectIdOrderByCreatedAt(UUID projectId);

    /** Keys that may still authenticate: not revoked, not expired (the verifier re-checks expiry per call). */
    @Query("SELECT * FROM project_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > :now)")
    List<ProjectKey> findUsable(Instant now);

    @Query("UPDATE project_keys SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
    long revoke(UUID id, Instant at);

    /**
     * Swaps in a new secret and keeps the current one valid until {@code graceUntil}; only for a live key, so a
     * concurrent revoke wins (0 rows).
     */
    @Query("""
            UPDATE project_keys SET previous_secret_hash = secret_hash, previous_valid_until = :graceUntil,
                   secret_hash = :secretHash, prefix = :prefix, rotated_at = :at
            WHERE id = :id AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > :at)""")
    long rotate(UUID id, String secretHash, String prefix, Instant graceUntil, Instant at);

    @Query("UPDATE project_keys SET last_used_at = :at WHERE id IN (:ids)")
    void markUsed(Collection<UUID> ids, Instant at);
}
