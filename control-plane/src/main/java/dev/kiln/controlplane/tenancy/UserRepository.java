package dev.kiln.controlplane.tenancy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface UserRepository extends CrudRepository<User, UUID> {

    /** Emails are unique case-insensitively (users_email_key is on lower(email)). */
    @Query("SELECT * FROM users WHERE lower(email) = lower(:email)")
    Optional<User> findByEmailIgnoreCase(String email);

    @Query("""
            SELECT u.* FROM users u JOIN memberships m ON m.user_id = u.id
            WHERE m.organization_id = :organizationId""")
    List<User> findMembersOf(UUID organizationId);

    /** Refresh tokens carry this number; bumping it (logout) makes every earlier refresh token invalid. */
    @Query("SELECT token_version FROM users WHERE id = :id")
    Optional<Long> findTokenVersion(UUID id);

    @Query("UPDATE users SET token_version = token_version + 1 WHERE id = :id AND token_version = :expected")
    long bumpTokenVersion(UUID id, long expected);

    /** Sets a new password and ends every session issued before (access tokens carry the version too). */
    @Query("""
            UPDATE users SET password_hash = :passwordHash, must_change_password = :mustChange,
            token_version = token_version + 1 WHERE id = :id""")
    long changePassword(UUID id, String passwordHash, boolean mustChange);

    /** Disables (a time) or enables (null) the account; either way its sessions end. */
    @Query("UPDATE users SET disabled_at = :disabledAt, token_version = token_version + 1 WHERE id = :id")
    long setDisabledAt(UUID id, @Nullable Instant disabledAt);

    @Query("SELECT * FROM users ORDER BY created_at, email")
    List<User> findAllByCreatedAt();
}
