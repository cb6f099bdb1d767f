package dev.kiln.controlplane.deployment;

import dev.kiln.protocol.CaptureGroup;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** JSON shapes of the deployment endpoints (DESIGN §7). */
final class Views {

    private Views() {
    }

    /**
     * Body of create and PATCH: the same names as the deployment JSON. On PATCH an absent (null) field keeps
     * its value. {@code modelId} + {@code versionTag} is an alternative to {@code modelVersionId}. {@code traffic}
     * replaces the traffic list ({@code []} returns to the single {@code modelVersionId}); naming a version without
     * {@code traffic} moves all traffic to it.
     */
    @Serdeable
    record DeploymentRequest(@Nullable String name, @Nullable UUID modelVersionId, @Nullable UUID modelId,
                             @Nullable String versionTag, @Nullable Integer instances, @Nullable String resourceType,
                             @Nullable String gpuType, @Nullable Integer gpusPerInstance, @Nullable String region,
                             @Nullable String evaluationStrategy, @Nullable Double evaluationThreshold,
                             @Nullable Integer maxBatchSize, @Nullable Integer maxQueueDelayMs,
                             @Nullable Integer maxQueue, @Nullable Integer timeoutMs,
                             @Nullable Integer rateLimitPerSecond, @Nullable AutoscalingRequest autoscaling,
                             @Nullable List<TrafficEntry> traffic,
                             @Nullable List<CaptureGroupRequest> captureGroups) {
    }

    /**
     * The {@code autoscaling} object of create and PATCH. Its absent fields keep their values (the defaults when
     * autoscaling starts); {@code enabled: false} turns autoscaling off and the deployment runs {@code instances}.
     */
    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record AutoscalingRequest(@Nullable Boolean enabled, @Nullable Integer minInstances, @Nullable Integer maxInstances,
                              @Nullable Double targetConcurrency, @Nullable Integer scaleDownDelaySeconds,
                              @Nullable Double maxScaleUpRate) {

        static final Autoscaling DEFAULTS = new Autoscaling(1, 4, 4, 60, null);

        /** The policy after this change to {@code current} (null when off); null when it turns autoscaling off. */
        @Nullable Autoscaling applyTo(@Nullable Autoscaling current) {
            if (Boolean.FALSE.equals(enabled)) {
                return null;
            }
            Autoscaling base = current == null ? DEFAULTS : current;
            int min = minInstances == null ? base.minInstances() : minInstances;
            // Raising the minimum above the default maximum of a new policy raises the maximum with it.
            int max = maxInstances != null ? maxInstances : current == null ? Math.max(min, base.maxInstances())
                    : base.maxInstances();
            return new Autoscaling(min, max,
                    targetConcurrency == null ? base.targetConcurrency() : targetConcurrency,
                    scaleDownDelaySeconds == null ? base.scaleDownDelaySeconds() : scaleDownDelaySeconds,
                    maxScaleUpRate == null ? base.maxScaleUpRate() : (maxScaleUpRate == 0 ? null : maxScaleUpRate));
        }
    }

    /** The autoscaling object of the deployment JSON: the policy and the count the autoscaler wants now. */
    @Serdeable
    record AutoscalingView(boolean enabled, int minInstances, int maxInstances, double targetConcurrency,
                           int scaleDownDelaySeconds, @Nullable Double maxScaleUpRate, int desiredInstances) {

        static @Nullable AutoscalingView of(Deployment d) {
            Autoscaling a = d.autoscaling();
            return a == null ? null : new AutoscalingView(true, a.minInstances(), a.maxInstances(),
                    a.targetConcurrency(), a.scaleDownDelaySeconds(), a.maxScaleUpRate(),
                    d.autoscaledInstances() == null ? a.bound(d.instances()) : d.autoscaledInstances());
        }
    }

    /** An entry of {@code traffic} in a request; unknown fields are refused. */
    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record TrafficEntry(@Nullable UUID modelVersionId, @Nullable Integer weight, @Nullable Boolean shadow) {
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record RollbackRequest(@Nullable Integer generation) {
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record PromoteRequest(@Nullable UUID modelVersionId) {
    }

    /** One applied configuration: its number, the settings as the API names them, who applied it and when. */
    @Serdeable
    record HistoryEntry(int generation, String action, String actor, Instant createdAt, Map<String, Object> settings) {
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
                          Instant updatedAt, @Nullable AutoscalingView autoscaling, List<TrafficSplit> traffic,
                          List<CaptureGroup> captureGroups) {

        static DeploymentView of(Deployment d, String versionTag, int readyInstances) {
            return new DeploymentView(d.id(), d.projectId(), d.name(), d.modelVersionId(), versionTag, d.status(),
                    d.statusReason(), d.instances(), readyInstances, d.resourceType(), d.gpuType(),
                    d.gpusPerInstance(), d.region(), d.evaluationStrategy(), d.evaluationThreshold(),
                    d.maxBatchSize(), d.maxQueueDelayMs(), d.maxQueue(), d.timeoutMs(), d.rateLimitPerSecond(),
                    d.generation(), d.createdAt(), d.updatedAt(), AutoscalingView.of(d), Traffic.effective(d),
                    d.captureGroups());
        }
    }

    @Serdeable
    record InstanceView(UUID id, UUID deploymentId, int generation, @Nullable UUID nodeId,
                        @Nullable String nodeAddress, List<Integer> gpuIndices, String status,
                        @Nullable String error, Instant createdAt, Instant updatedAt, UUID modelVersionId,
                        String versionTag, boolean shadow) {
    }
}
