package dev.kiln.controlplane.node;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.UUID;

/** A row of gpu_types: one entry of the operators' GPU catalog, and its JSON. */
@Serdeable
@MappedEntity("gpu_types")
public record GpuType(@Id UUID id, String name, long memoryBytes, Instant createdAt) {
}
