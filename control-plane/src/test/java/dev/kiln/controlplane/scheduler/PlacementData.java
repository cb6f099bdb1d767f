package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.deployment.Traffic;
import dev.kiln.controlplane.deployment.TrafficSplit;
import dev.kiln.controlplane.node.Instance;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.InstanceStatus;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Plain rows for planner and placement tests. */
final class PlacementData {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private PlacementData() {
    }

    static Deployment cpu(int instances) {
        return deployment(instances, "CPU", null, 0, 1);
    }

    static Deployment gpu(int instances, String type, int gpusPerInstance) {
        return deployment(instances, "GPU", type, gpusPerInstance, 1);
    }

    static Deployment deployment(int instances, String resourceType, String gpuType, int gpus, int generation) {
        return new Deployment(UUID.randomUUID(), UUID.randomUUID(), "d", UUID.randomUUID(), "PENDING", null,
                instances, resourceType, gpuType, gpus, null, "entropy", 0.5, 1, 0, 64, 30_000, null, generation,
                null, null, T0, T0, null, null, null, null, null, null, List.of(), List.of());
    }

    static Deployment withGeneration(Deployment d, int generation, Instant updatedAt) {
        return new Deployment(d.id(), d.projectId(), d.name(), d.modelVersionId(), d.status(), d.statusReason(),
                d.instances(), d.resourceType(), d.gpuType(), d.gpusPerInstance(), d.region(),
                d.evaluationStrategy(), d.evaluationThreshold(), d.maxBatchSize(), d.maxQueueDelayMs(), d.maxQueue(),
                d.timeoutMs(), d.rateLimitPerSecond(), generation, d.onlineSince(), d.createdBy(), d.createdAt(),
                updatedAt, d.autoscaleMinInstances(), d.autoscaleMaxInstances(), d.autoscaleTargetConcurrency(),
                d.autoscaleScaleDownDelaySeconds(), d.autoscaleMaxScaleUpRate(), d.autoscaledInstances(), d.traffic(), d.captureGroups());
    }

    /** The deployment with a traffic list (its primary becomes the model version, as the API stores it). */
    static Deployment withTraffic(Deployment d, List<TrafficSplit> traffic) {
        return new Deployment(d.id(), d.projectId(), d.name(), Traffic.primary(traffic), d.status(),
                d.statusReason(), d.instances(), d.resourceType(), d.gpuType(), d.gpusPerInstance(), d.region(),
                d.evaluationStrategy(), d.evaluationThreshold(), d.maxBatchSize(), d.maxQueueDelayMs(), d.maxQueue(),
                d.timeoutMs(), d.rateLimitPerSecond(), d.generation(), d.onlineSince(), d.createdBy(), d.createdAt(),
                d.updatedAt(), d.autoscaleMinInstances(), d.autoscaleMaxInstances(), d.autoscaleTargetConcurrency(),
                d.autoscaleScaleDownDelaySeconds(), d.autoscaleMaxScaleUpRate(), d.autoscaledInstances(), traffic, d.captureGroups());
    }

    static NodeSlot cpuNode(String name) {
        return new NodeSlot(UUID.randomUUID(), name, null, List.of());
    }

    static NodeSlot gpuNode(String name, String... gpuNames) {
        List<GpuInfo> gpus = new java.util.ArrayList<>();
        for (int i = 0; i < gpuNames.length; i++) {
            gpus.add(new GpuInfo(i, gpuNames[i], 16L << 30, null));
        }
        return new NodeSlot(UUID.randomUUID(), name, null, gpus);
    }

    static Instance instance(Deployment d, NodeSlot node, InstanceStatus status, Integer... gpus) {
        return instance(d, node, status, d.generation(), T0, gpus);
    }

    static Instance instance(Deployment d, NodeSlot node, InstanceStatus status, int generation, Instant updatedAt,
                             Integer... gpus) {
        return new Instance(UUID.randomUUID(), d.id(), generation, node.id(), Arrays.asList(gpus), status, null, 0,
                T0, updatedAt, d.modelVersionId(), false);
    }

    /** A READY (or other) instance of one model version of the deployment (a shadow one if the list says so). */
    static Instance ofVersion(Deployment d, UUID versionId, NodeSlot node, InstanceStatus status) {
        boolean shadow = d.traffic().stream().anyMatch(t -> t.shadow() && t.modelVersionId().equals(versionId));
        return new Instance(UUID.randomUUID(), d.id(), d.generation(), node.id(), List.of(), status, null, 0, T0, T0,
                versionId, shadow);
    }

    static Instance failed(Deployment d, NodeSlot node, String error, int attempts, Instant failedAt) {
        return new Instance(UUID.randomUUID(), d.id(), d.generation(), node.id(), List.of(), InstanceStatus.FAILED,
                error, attempts, T0, failedAt, d.modelVersionId(), false);
    }
}
