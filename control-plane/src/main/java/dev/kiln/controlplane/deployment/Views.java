package dev.kiln.controlplane.deployment;

import dev.kiln.protocol.CaptureGroup;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** JSON shapes of the deployment endpoints (DESIGN §7). */
final class Views {

    private Views() {
    }

    /**
     * Body of create and PATCH: the same names as the deployment JSON. On PATCH an absent (null) field keeps
     * its value. {@code modelId} + {@code versionTag} is an alternative to {@code modelVersionId}.
     */
    @Serdeable
    record DeploymentRequest(@Nullable String name, @Nullable UUID modelVersionId, @Nullable UUID modelId,
                             @Nullable String versionTag, @Nullable Integer instances, @Nullable String resourceType,
                             @Nullable String gpuType, @Nullable Integer gpusPerInstance, @Nullable String region,
                             @Nullable String evaluationStrategy, @Nullable Double evaluationThreshold,
                             @Nullable Integer maxBatchSize, @Nullable Integer maxQueueDelayMs,
                             @Nullable Integer maxQueue, @Nullable Integer timeoutMs,
                             @Nullable Integer rateLimitPerSecond,
                             @Nullable List<CaptureGroupRequest> captureGroups) {
    }

    /** One entry of {@code captureGroups} on create and PATCH; an unknown field (a typo) is a 400 naming it. */
    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record CaptureGroupRequest(@Nullable String name, @Nullable String mode, @Nullable Double rate,
                               @Nullable Integer retentionDays) {
    }

    @Serdeable
    record DeploymentView(UUID id, UUID projectId, String name, UUID modelVersionId, @Nullable String versionTag,
                          String status, @Nullable String statusReason, int instances, int readyInstances,
                          String resourceType, @Nullable String gpuType, int gpusPerInstance,
                          @Nullable String region, String evaluationStrategy, double evaluationThreshold,
                          int maxBatchSize, int maxQueueDelayMs, int maxQueue, int timeoutMs,
                          @Nullable Integer rateLimitPerSecond, int generation, Instant createdAt,
                          Instant updatedAt, List<CaptureGroup> captureGroups) {

        static DeploymentView of(Deployment d, String versionTag, int readyInstances) {
            return new DeploymentView(d.id(), d.projectId(), d.name(), d.modelVersionId(), versionTag, d.status(),
                    d.statusReason(), d.instances(), readyInstances, d.resourceType(), d.gpuType(),
                    d.gpusPerInstance(), d.region(), d.evaluationStrategy(), d.evaluationThreshold(),
                    d.maxBatchSize(), d.maxQueueDelayMs(), d.maxQueue(), d.timeoutMs(), d.rateLimitPerSecond(),
                    d.generation(), d.createdAt(), d.updatedAt(), d.captureGroups());
        }
    }

    @Serdeable
    record InstanceView(UUID id, UUID deploymentId, int generation, @Nullable UUID nodeId,
                        @Nullable String nodeAddress, List<Integer> gpuIndices, String status,
                        @Nullable String error, Instant createdAt, Instant updatedAt) {
    }
}
