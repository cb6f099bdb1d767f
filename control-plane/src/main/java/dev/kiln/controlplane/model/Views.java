package dev.kiln.controlplane.model;

import dev.kiln.protocol.ModelDescriptor;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** JSON shapes of the model endpoints. */
final class Views {

    private Views() {
    }

    @Serdeable
    record CreateModel(@Nullable String name, @Nullable String task, @Nullable String description) {
    }

    @Serdeable
    record ModelView(UUID id, UUID projectId, String name, String task, @Nullable String description,
                     Instant createdAt, List<ModelVersionView> versions) {
    }

    @Serdeable
    record ModelVersionView(UUID id, UUID modelId, String versionTag, String sha256, long sizeBytes,
                            ModelDescriptor descriptor, @Nullable UUID createdBy, Instant createdAt) {
    }
}
