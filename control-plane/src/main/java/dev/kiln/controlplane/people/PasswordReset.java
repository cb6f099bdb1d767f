package dev.kiln.controlplane.people;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.UUID;

/** A one-time link to choose a new password; only the SHA-256 of its token is kept. */
@MappedEntity("password_resets")
record PasswordReset(@Id UUID id, UUID userId, String tokenHash, Instant expiresAt, Instant createdAt,
                     @Nullable Instant usedAt) {
}
