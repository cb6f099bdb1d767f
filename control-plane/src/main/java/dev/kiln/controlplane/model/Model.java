package dev.kiln.controlplane.model;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.UUID;

@MappedEntity("models")
public record Model(@Id UUID id, UUID projectId, String name, String task, @Nullable String description,
                   Instant createdAt) {
}
