package dev.kiln.controlplane.deployment;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import dev.kiln.protocol.CaptureGroup;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A row of deployments (DESIGN §7): the desired state. {@code status} holds a {@link DeploymentStatus} name;
 * {@code generation} grows with every change that needs new sessions, so the scheduler can roll out.
 */
@MappedEntity("deployments")
public record Deployment(@Id UUID id, UUID projectId, String name, UUID modelVersionId, String status,
                         @Nullable String statusReason, int instances, String resourceType, @Nullable String gpuType,
                         int gpusPerInstance, @Nullable String region, String evaluationStrategy,
                         double evaluationThreshold, int maxBatchSize, int maxQueueDelayMs, int maxQueue,
                         int timeoutMs, @Nullable Integer rateLimitPerSecond, int generation,
                         @Nullable Instant onlineSince, @Nullable UUID createdBy, Instant createdAt,
                         Instant updatedAt,
                         @TypeDef(type = DataType.STRING, converter = CaptureGroupsConverter.class)
                         List<CaptureGroup> captureGroups) {

    public boolean deleting() {
        return DeploymentStatus.DELETING.name().equals(status);
    }
}
