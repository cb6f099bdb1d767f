package dev.kiln.controlplane.deployment;

import dev.kiln.protocol.CaptureGroup;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.annotation.sql.ColumnTransformer;
import io.micronaut.data.model.DataType;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A row of deployments (DESIGN §7): the desired state. {@code status} holds a {@link DeploymentStatus} name;
 * {@code generation} grows with every change that needs new sessions, so the scheduler can roll out. The
 * {@code autoscale*} columns hold the policy (all null when autoscaling is off); {@code autoscaledInstances} is the
 * count the autoscaler wants now, written by the leader. {@code traffic} splits requests between model versions
 * (empty: {@code modelVersionId} takes them all; else {@code modelVersionId} is its primary, see {@link Traffic}).
 */
@MappedEntity("deployments")
public record Deployment(@Id UUID id, UUID projectId, String name, UUID modelVersionId, String status,
                         @Nullable String statusReason, int instances, String resourceType, @Nullable String gpuType,
                         int gpusPerInstance, @Nullable String region, String evaluationStrategy,
                         double evaluationThreshold, int maxBatchSize, int maxQueueDelayMs, int maxQueue,
                         int timeoutMs, @Nullable Integer rateLimitPerSecond, int generation,
                         @Nullable Instant onlineSince, @Nullable UUID createdBy, Instant createdAt,
                         Instant updatedAt, @Nullable Integer autoscaleMinInstances,
                         @Nullable Integer autoscaleMaxInstances, @Nullable Double autoscaleTargetConcurrency,
                         @Nullable Integer autoscaleScaleDownDelaySeconds, @Nullable Double autoscaleMaxScaleUpRate,
                         @Nullable Integer autoscaledInstances,
                         @TypeDef(type = DataType.STRING, converter = TrafficConverter.class)
                         @ColumnTransformer(write = "?::jsonb") List<TrafficSplit> traffic,
                         @TypeDef(type = DataType.STRING, converter = CaptureGroupsConverter.class)
                         List<CaptureGroup> captureGroups) {

    /** The autoscaling policy, or null when autoscaling is off. */
    public @Nullable Autoscaling autoscaling() {
        return autoscaleMaxInstances == null ? null : new Autoscaling(autoscaleMinInstances, autoscaleMaxInstances,
                autoscaleTargetConcurrency, autoscaleScaleDownDelaySeconds, autoscaleMaxScaleUpRate);
    }

    public boolean deleting() {
        return DeploymentStatus.DELETING.name().equals(status);
    }
}
