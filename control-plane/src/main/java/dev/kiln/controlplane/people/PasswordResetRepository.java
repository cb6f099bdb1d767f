package dev.kiln.controlplane.people;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface PasswordResetRepository extends GenericRepository<PasswordReset, UUID> {

    PasswordReset save(PasswordReset reset);

    /** An unused, unexpired reset, locked so that at most one caller uses a token. */
    @Query("""
            SELECT * FROM password_resets
            WHERE token_hash = :tokenHash AND used_at IS NULL AND expires_at > :now FOR UPDATE""")
    Optional<PasswordReset> lockUsable(String tokenHash, Instant now);

    @Query("UPDATE password_resets SET used_at = :now WHERE id = :id")
    void markUsed(UUID id, Instant now);

    @Query("UPDATE password_resets SET used_at = :now WHERE user_id = :userId AND used_at IS NULL")
    long cancelFor(UUID userId, Instant now);

    @Query("DELETE FROM password_resets WHERE id = :id")
    void deleteById(UUID id);
}
