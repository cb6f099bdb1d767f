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

    /**
     * A key as shown. {@code secret} is present only in the response that created it (and never stored);
     * {@code status} is ACTIVE, EXPIRED or REVOKED.
     */
    @Serdeable
    record KeyView(UUID id, UUID projectId, String name, String prefix,
                   @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String secret,
                   @Nullable Set<UUID> deploymentIds, @Nullable Instant expiresAt,
                   @Nullable Integer rateLimitPerSecond, Instant createdAt, @Nullable UUID createdBy,
                   @Nullable Instant lastUsedAt, String status) {

        static KeyView of(ProjectKey k, @Nullable String secret, Instant now) {
            String status = k.revokedAt() != null ? "REVOKED" : k.activeAt(now) ? "ACTIVE" : "EXPIRED";
            return new KeyView(k.id(), k.projectId(), k.name(), k.prefix(), secret, k.deploymentIds(), k.expiresAt(),
                    k.rateLimitPerSecond(), k.createdAt(), k.createdBy(), k.lastUsedAt(), status);
        }
    }
}
