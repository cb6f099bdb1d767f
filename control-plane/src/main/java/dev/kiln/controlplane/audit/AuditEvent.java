package dev.kiln.controlplane.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.sql.ColumnTransformer;

import java.time.Instant;
import java.util.UUID;

/** Who did what to which resource (DESIGN §8); {@code detail} is a JSON object stored as jsonb. */
@MappedEntity("audit_events")
public record AuditEvent(@Id @GeneratedValue @Nullable Long id, @Nullable UUID organizationId,
                         @Nullable UUID projectId, @Nullable UUID actorUserId, String actor, String action,
                         @Nullable String targetType, @Nullable String targetId,
                         @ColumnTransformer(write = "?::jsonb") String detail, @Nullable String remoteAddress,
                         Instant createdAt) {
}
