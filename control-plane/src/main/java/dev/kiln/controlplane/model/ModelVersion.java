package dev.kiln.controlplane.model;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.sql.ColumnTransformer;

import java.time.Instant;
import java.util.UUID;

/** One uploaded file of a model plus its descriptor (ModelDescriptor as JSON text, stored as jsonb). */
@MappedEntity("model_versions")
public record ModelVersion(@Id UUID id, UUID modelId, String versionTag, String artifactSha256,
                           @ColumnTransformer(write = "?::jsonb") String descriptor,
                           @Nullable UUID createdBy, Instant createdAt) {
}
