package dev.kiln.controlplane.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** An audit event as shown: who ({@code actor}, {@code actorUserId}, {@code remoteAddress}), what, on what, when. */
@Serdeable
record AuditEntry(long id, @Nullable UUID organizationId, @Nullable UUID projectId, @Nullable UUID actorUserId,
                  String actor, String action, @Nullable String targetType, @Nullable String targetId,
                  Map<String, Object> detail, @Nullable String remoteAddress, Instant createdAt) {
}
