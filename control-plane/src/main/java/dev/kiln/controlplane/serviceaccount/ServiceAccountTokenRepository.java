package dev.kiln.controlplane.serviceaccount;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface ServiceAccountTokenRepository extends GenericRepository<ServiceAccountToken, UUID> {

    ServiceAccountToken save(ServiceAccountToken token);

    @Query("SELECT * FROM service_account_tokens WHERE token_hash = :tokenHash")
    Optional<ServiceAccountToken> findByTokenHash(String tokenHash);

    @Query("""
            SELECT * FROM service_account_tokens WHERE service_account_id = :serviceAccountId AND revoked_at IS NULL
            ORDER BY created_at, name""")
    List<ServiceAccountToken> findLive(UUID serviceAccountId);

    @Query("""
            UPDATE service_account_tokens SET revoked_at = :at
            WHERE id = :id AND service_account_id = :serviceAccountId AND revoked_at IS NULL""")
    long revoke(UUID id, UUID serviceAccountId, Instant at);

    /** Records a use unless one was recorded after {@code since}: at most one write a minute per token. */
    @Query("""
            UPDATE service_account_tokens SET last_used_at = :at
            WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :since)""")
    void markUsed(UUID id, Instant at, Instant since);
}
