package dev.kiln.controlplane.tenancy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.UUID;

@MappedEntity("projects")
public record Project(@Id UUID id, UUID organizationId, String name, @Nullable Integer defaultRateLimitPerSecond,
                      Instant createdAt) {
}
