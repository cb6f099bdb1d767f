package dev.kiln.protocol;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.UUID;

/**
 * One instance a node must run: which model bytes (by SHA-256), how to read them, and the serving settings.
 */
@Serdeable
public record Assignment(UUID instanceId, UUID deploymentId, UUID modelVersionId, String modelName,
                         String versionTag, String artifactSha256, long artifactSize, ModelDescriptor descriptor,
                         List<Integer> gpuIndices, ServingSettings settings) {
}
