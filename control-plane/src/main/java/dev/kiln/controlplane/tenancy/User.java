package dev.kiln.controlplane.tenancy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;

import java.time.Instant;
import java.util.UUID;

/**
 * A person who logs in to the dashboard; {@code operator} may manage the fleet (nodes, GPU types) and accounts.
 * {@code mustChangePassword} is set by a temporary password an operator handed out; a disabled user
 * ({@code disabledAt} set) can neither log in nor use tokens issued before.
 */
@MappedEntity("users")
public record User(@Id UUID id, String email, @Nullable String displayName, String passwordHash,
                   @MappedProperty("is_operator") boolean operator, boolean mustChangePassword,
                   @Nullable Instant disabledAt, Instant createdAt) {

    /** A new, enabled account. */
    public static User create(UUID id, String email, @Nullable String displayName, String passwordHash,
                              boolean operator, boolean mustChangePassword, Instant createdAt) {
        return new User(id, email, displayName, passwordHash, operator, mustChangePassword, null, createdAt);
    }
}
