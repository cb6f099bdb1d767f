package dev.kiln.controlplane.model;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** A model file, content-addressed; its bytes live in artifact_chunks. */
@MappedEntity("artifacts")
public record Artifact(@Id String sha256, long sizeBytes, int chunks, Instant createdAt) {
}
