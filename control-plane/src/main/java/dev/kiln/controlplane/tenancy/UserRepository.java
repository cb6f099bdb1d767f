package dev.kiln.controlplane.tenancy;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

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
}
