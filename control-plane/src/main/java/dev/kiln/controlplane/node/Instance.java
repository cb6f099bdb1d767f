package dev.kiln.controlplane.node;

import dev.kiln.protocol.InstanceStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A row of instances: one placed copy of a deployment on a node. {@code attempts} counts failed loads carried
 * over from the instances it replaced (retry backoff); {@code updatedAt} is when its status last changed;
 * {@code modelVersionId} is the version of the deployment's traffic list it runs; a {@code shadow} one only gets
 * mirrored copies of requests.
 */
@MappedEntity("instances")
public record Instance(@Id UUID id, UUID deploymentId, int generation, @Nullable UUID nodeId,
                       @TypeDef(type = DataType.OBJECT, converter = IntArrayConverter.class) List<Integer> gpuIndices,
                       InstanceStatus status, @Nullable String error, int attempts, Instant createdAt,
                       Instant updatedAt, UUID modelVersionId, boolean shadow) {
}
