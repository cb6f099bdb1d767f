package dev.kiln.controlplane.keys;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.annotation.sql.ColumnTransformer;
import io.micronaut.data.model.DataType;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A project secret as stored: only the SHA-256 of the secret, plus the visible prefix. A null
 * {@code deploymentIds} means every deployment of the project.
 */
@MappedEntity("project_keys")
public record ProjectKey(@Id UUID id, UUID projectId, String name, String prefix, String secretHash,
                         @Nullable String previousSecretHash, @Nullable Instant previousValidUntil,
                         @Nullable @TypeDef(type = DataType.STRING_ARRAY, converter = UuidArrayConverter.class)
                         @ColumnTransformer(read = "@.deployment_ids::text[]", write = "?::uuid[]")
                         Set<UUID> deploymentIds,
                         @Nullable Instant expiresAt, @Nullable Integer rateLimitPerSecond, @Nullable UUID createdBy,
                         Instant createdAt, @Nullable Instant rotatedAt, @Nullable Instant lastUsedAt,
                         @Nullable Instant revokedAt) {

    /** Usable at {@code now}: not revoked and not expired. */
    public boolean activeAt(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
