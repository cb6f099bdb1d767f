package dev.kiln.controlplane.serviceaccount;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.UUID;

/** A bearer token of a service account; only the SHA-256 of the token is kept, with its visible prefix. */
@MappedEntity("service_account_tokens")
record ServiceAccountToken(@Id UUID id, UUID serviceAccountId, String name, String prefix, String tokenHash,
                           @Nullable Instant expiresAt, Instant createdAt, @Nullable Instant lastUsedAt,
                           @Nullable Instant revokedAt) {

    /** Neither revoked nor expired at {@code now}. */
    boolean usable(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
