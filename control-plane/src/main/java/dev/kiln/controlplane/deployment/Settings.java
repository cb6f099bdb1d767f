package dev.kiln.controlplane.deployment;

import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.deployment.Views.DeploymentRequest;
import dev.kiln.protocol.CaptureGroup;
import io.micronaut.core.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The configurable part of a deployment, fully resolved (defaults or current values plus the request), and
 * the one place its rules live, so create and PATCH validate alike. Ranges match the table's CHECKs.
 */
record Settings(String name, UUID modelVersionId, int instances, String resourceType, @Nullable String gpuType,
                int gpusPerInstance, @Nullable String region, String evaluationStrategy, double evaluationThreshold,
                int maxBatchSize, int maxQueueDelayMs, int maxQueue, int timeoutMs,
                @Nullable Integer rateLimitPerSecond, List<CaptureGroup> captureGroups) {

    static final Set<String> EVALUATION_STRATEGIES = Set.of("entropy", "least_confidence", "margin");

    /** Defaults of a new deployment; {@code name} and the model version come from the request. */
    static Settings defaults(String name, UUID modelVersionId) {
        return new Settings(name, modelVersionId, 1, "CPU", null, 0, null, "entropy", 0.5, 1, 0, 64, 30_000, null,
                List.of());
    }

    static Settings of(Deployment d) {
        return new Settings(d.name(), d.modelVersionId(), d.instances(), d.resourceType(), d.gpuType(),
                d.gpusPerInstance(), d.region(), d.evaluationStrategy(), d.evaluationThreshold(), d.maxBatchSize(),
                d.maxQueueDelayMs(), d.maxQueue(), d.timeoutMs(), d.rateLimitPerSecond(), d.captureGroups());
    }

    /**
     * These values with the request's non-null fields applied. An empty gpuType/region and a rateLimitPerSecond
     * of 0 clear the value (null means "unchanged"). Switching resource type without gpusPerInstance picks its
     * default (0 on CPU, 1 on GPU).
     */
    Settings merge(DeploymentRequest r, UUID resolvedVersionId) {
        String type = r.resourceType() == null ? resourceType : r.resourceType().trim().toUpperCase(Locale.ROOT);
        int gpus = r.gpusPerInstance() != null ? r.gpusPerInstance()
                : type.equals(resourceType) ? gpusPerInstance : ("GPU".equals(type) ? 1 : 0);
        return new Settings(
                r.name() == null ? name : r.name().trim(),
                resolvedVersionId,
                r.instances() == null ? instances : r.instances(),
                type,
                r.gpuType() == null ? gpuType : blankToNull(r.gpuType()),
                gpus,
                r.region() == null ? region : blankToNull(r.region()),
                r.evaluationStrategy() == null ? evaluationStrategy : r.evaluationStrategy().trim().toLowerCase(Locale.ROOT),
                r.evaluationThreshold() == null ? evaluationThreshold : r.evaluationThreshold(),
                r.maxBatchSize() == null ? maxBatchSize : r.maxBatchSize(),
                r.maxQueueDelayMs() == null ? maxQueueDelayMs : r.maxQueueDelayMs(),
                r.maxQueue() == null ? maxQueue : r.maxQueue(),
                r.timeoutMs() == null ? timeoutMs : r.timeoutMs(),
                r.rateLimitPerSecond() == null ? rateLimitPerSecond
                        : (r.rateLimitPerSecond() == 0 ? null : r.rateLimitPerSecond()),
                r.captureGroups() == null ? captureGroups : CaptureGroupRules.normalized(r.captureGroups()));
    }

    /** Adds a detail per invalid field. */
    void validate(Problems problems) {
        if (name.isEmpty() || name.length() > 100) {
            problems.add("name", "must be 1 to 100 characters", "value_error.name");
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            problems.add("name", "must not contain control characters", "value_error.name");
        }
        range(problems, "instances", instances, 0, 64);
        if (!"CPU".equals(resourceType) && !"GPU".equals(resourceType)) {
            problems.add("resourceType", "must be CPU or GPU", "value_error.resource_type");
        } else if ("CPU".equals(resourceType)) {
            if (gpusPerInstance != 0) {
                problems.add("gpusPerInstance", "must be 0 for a CPU deployment", "value_error.gpus_per_instance");
            }
            if (gpuType != null) {
                problems.add("gpuType", "is only allowed for a GPU deployment", "value_error.gpu_type");
            }
        } else {
            range(problems, "gpusPerInstance", gpusPerInstance, 1, 16);
        }
        if (!EVALUATION_STRATEGIES.contains(evaluationStrategy)) {
            problems.add("evaluationStrategy", "must be one of " + String.join(", ", EVALUATION_STRATEGIES.stream()
                    .sorted().toList()), "value_error.evaluation_strategy");
        }
        if (!(evaluationThreshold >= 0 && evaluationThreshold <= 1)) {
            problems.add("evaluationThreshold", "must be between 0 and 1", "value_error.range");
        }
        range(problems, "maxBatchSize", maxBatchSize, 1, 256);
        range(problems, "maxQueueDelayMs", maxQueueDelayMs, 0, 10_000);
        range(problems, "maxQueue", maxQueue, 1, 100_000);
        range(problems, "timeoutMs", timeoutMs, 1, 600_000);
        if (rateLimitPerSecond != null && rateLimitPerSecond < 1) {
            problems.add("rateLimitPerSecond", "must be at least 1 (or 0 on PATCH to remove the limit)",
                    "value_error.range");
        }
        CaptureGroupRules.validate(captureGroups, problems);
    }

    /** The same settings with another GPU type (the catalog's spelling of the one asked for). */
    Settings withGpuType(String type) {
        return new Settings(name, modelVersionId, instances, resourceType, type, gpusPerInstance, region,
                evaluationStrategy, evaluationThreshold, maxBatchSize, maxQueueDelayMs, maxQueue, timeoutMs,
                rateLimitPerSecond, captureGroups);
    }

    /** Whether going from this to {@code next} needs new model sessions (a new generation, rolled out). */
    boolean needsNewSessions(Settings next) {
        return !Objects.equals(modelVersionId, next.modelVersionId) || !resourceType.equals(next.resourceType)
                || !Objects.equals(gpuType, next.gpuType) || gpusPerInstance != next.gpusPerInstance
                || !Objects.equals(region, next.region) || !evaluationStrategy.equals(next.evaluationStrategy)
                || evaluationThreshold != next.evaluationThreshold || maxBatchSize != next.maxBatchSize
                || maxQueueDelayMs != next.maxQueueDelayMs || maxQueue != next.maxQueue || timeoutMs != next.timeoutMs
                || !captureGroups.equals(next.captureGroups);
    }

    /** Field name → new value for every field that differs (for the audit log). */
    Map<String, Object> changes(Settings next) {
        Map<String, Object> all = asMap();
        Map<String, Object> other = next.asMap();
        Map<String, Object> changed = new LinkedHashMap<>();
        other.forEach((k, v) -> {
            if (!Objects.equals(all.get(k), v)) {
                changed.put(k, v);
            }
        });
        return changed;
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("modelVersionId", modelVersionId.toString());
        m.put("instances", instances);
        m.put("resourceType", resourceType);
        m.put("gpuType", gpuType);
        m.put("gpusPerInstance", gpusPerInstance);
        m.put("region", region);
        m.put("evaluationStrategy", evaluationStrategy);
        m.put("evaluationThreshold", evaluationThreshold);
        m.put("maxBatchSize", maxBatchSize);
        m.put("maxQueueDelayMs", maxQueueDelayMs);
        m.put("maxQueue", maxQueue);
        m.put("timeoutMs", timeoutMs);
        m.put("rateLimitPerSecond", rateLimitPerSecond);
        m.put("captureGroups", captureGroups.stream().map(CaptureGroupRules::describe).toList());
        return m;
    }

    private static void range(Problems problems, String field, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(field, "must be between " + min + " and " + max, "value_error.range");
        }
    }

    private static String blankToNull(String value) {
        return value.isBlank() ? null : value.trim();
    }
}
