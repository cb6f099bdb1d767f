package dev.kiln.controlplane.tenancy;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface UserRepository extends CrudRepository<User, UUID> {

    /** Emails are unique case-insensitively (users_email_key is on lower(email)). */
    @Query("SELECT * FROM users WHERE lower(email) = lower(:email)")
    Optional<User> findByEmailIgnoreCase(String email);
}
