package dev.kiln.controlplane.tenancy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;

import java.time.Instant;
import java.util.UUID;

/** A person who logs in to the dashboard; {@code operator} may manage the fleet (nodes, GPU types). */
@MappedEntity("users")
public record User(@Id UUID id, String email, @Nullable String displayName, String passwordHash,
                   @MappedProperty("is_operator") boolean operator, Instant createdAt) {
}
