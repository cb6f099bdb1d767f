package dev.kiln.controlplane.keys;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** JSON shapes of the key endpoints. */
final class Views {

    private Views() {
    }

    @Serdeable
    record CreateKey(@Nullable String name, @Nullable Set<UUID> deploymentIds, @Nullable Instant expiresAt,
                     @Nullable Integer rateLimitPerSecond) {
    }

    @Serdeable
    record RotateKey(@Nullable Long graceSeconds) {
    }

    /**
     * A key as shown. {@code secret} is present only in the response that created or rotated it (and never
     * stored); {@code status} is ACTIVE, ROTATING (the previous secret is still in its grace period, until
     * {@code previousValidUntil}), EXPIRED or REVOKED.
     */
    @Serdeable
    record KeyView(UUID id, UUID projectId, String name, String prefix,
                   @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String secret,
                   @Nullable Set<UUID> deploymentIds, @Nullable Instant expiresAt,
                   @Nullable Integer rateLimitPerSecond, Instant createdAt, @Nullable UUID createdBy,
                   @Nullable String createdByEmail, @Nullable Instant lastUsedAt, @Nullable Instant rotatedAt, @Nullable Instant previousValidUntil,
                   String status) {

        static KeyView of(ProjectKey k, @Nullable String secret, @Nullable String createdByEmail, Instant now) {
            boolean inGrace = k.previousValidUntil() != null && k.previousValidUntil().isAfter(now);
            String status = k.revokedAt() != null ? "REVOKED" : !k.activeAt(now) ? "EXPIRED"
                    : inGrace ? "ROTATING" : "ACTIVE";
            return new KeyView(k.id(), k.projectId(), k.name(), k.prefix(), secret, k.deploymentIds(), k.expiresAt(),
                    k.rateLimitPerSecond(), k.createdAt(), k.createdBy(), createdByEmail, k.lastUsedAt(), k.rotatedAt(),
                    inGrace && k.revokedAt() == null ? k.previousValidUntil() : null, status);
        }
    }
}
