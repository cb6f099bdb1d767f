package dev.kiln.controlplane.deployment;

import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.deployment.Views.DeploymentRequest;
import dev.kiln.protocol.CaptureGroup;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.core.annotation.Nullable;

import java.util.HashSet;
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
                @Nullable Integer rateLimitPerSecond, @Nullable Autoscaling autoscaling, List<TrafficSplit> traffic,
                List<CaptureGroup> captureGroups) {

    static final Set<String> EVALUATION_STRATEGIES = Set.of("entropy", "least_confidence", "margin");

    /** Defaults of a new deployment; {@code name} and the model version come from the request. */
    static Settings defaults(String name, UUID modelVersionId) {
        return new Settings(name, modelVersionId, 1, "CPU", null, 0, null, "entropy", 0.5, 1, 0, 64, 30_000, null, null,
                List.of(), List.of());
    }

    static Settings of(Deployment d) {
        return new Settings(d.name(), d.modelVersionId(), d.instances(), d.resourceType(), d.gpuType(),
                d.gpusPerInstance(), d.region(), d.evaluationStrategy(), d.evaluationThreshold(), d.maxBatchSize(),
                d.maxQueueDelayMs(), d.maxQueue(), d.timeoutMs(), d.rateLimitPerSecond(), d.autoscaling(), d.traffic(),
                d.captureGroups());
    }

    /**
     * These values with the request's non-null fields applied. An empty gpuType/region and a rateLimitPerSecond
     * of 0 clear the value (null means "unchanged"). Switching resource type without gpusPerInstance picks its
     * default (0 on CPU, 1 on GPU). {@code traffic} is the resolved list (empty for a single version); when it has
     * entries, its primary becomes the model version.
     */
    Settings merge(DeploymentRequest r, UUID resolvedVersionId, List<TrafficSplit> traffic) {
        String type = r.resourceType() == null ? resourceType : r.resourceType().trim().toUpperCase(Locale.ROOT);
        int gpus = r.gpusPerInstance() != null ? r.gpusPerInstance()
                : type.equals(resourceType) ? gpusPerInstance : ("GPU".equals(type) ? 1 : 0);
        return new Settings(
                r.name() == null ? name : r.name().trim(),
                traffic.isEmpty() ? resolvedVersionId : Traffic.primary(traffic),
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
                r.autoscaling() == null ? autoscaling : r.autoscaling().applyTo(autoscaling),
                List.copyOf(traffic),
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
        if (autoscaling != null) {
            validateAutoscaling(problems, autoscaling);
        }
        validateTraffic(problems);
        CaptureGroupRules.validate(captureGroups, problems);
    }


    /** Checked under body.autoscaling.<field>; min ≤ max ≤ 64 and the rest as the table's CHECKs. */
    private static void validateAutoscaling(Problems problems, Autoscaling a) {
        if (a.minInstances() < 0 || a.minInstances() > 64) {
            autoscalingProblem(problems, "minInstances", "must be between 0 and 64");
        } else if (a.minInstances() > a.maxInstances()) {
            autoscalingProblem(problems, "minInstances", "must not exceed maxInstances (" + a.maxInstances() + ")");
        }
        if (a.maxInstances() < 1 || a.maxInstances() > 64) {
            autoscalingProblem(problems, "maxInstances", "must be between 1 and 64");
        }
        if (!(a.targetConcurrency() > 0 && a.targetConcurrency() <= 10_000)) {
            autoscalingProblem(problems, "targetConcurrency", "must be above 0 and at most 10000");
        }
        if (a.scaleDownDelaySeconds() < 0 || a.scaleDownDelaySeconds() > 86_400) {
            autoscalingProblem(problems, "scaleDownDelaySeconds", "must be between 0 and 86400");
        }
        if (a.maxScaleUpRate() != null && !(a.maxScaleUpRate() >= 1 && a.maxScaleUpRate() <= 1000)) {
            autoscalingProblem(problems, "maxScaleUpRate", "must be between 1 and 1000");
        }
    }

    private static void autoscalingProblem(Problems problems, String field, String msg) {
        problems.add(new ErrorBody.Detail(List.of("body", "autoscaling", field), msg, "value_error.range"));
    }

    /** The most instances these settings may run, every version of the traffic list included: what quotas allow. */
    int reservedInstances() {
        int most = autoscaling == null ? instances : Math.max(instances, autoscaling.maxInstances());
        return traffic.isEmpty() ? most : Traffic.totalInstances(traffic, most);
    }

    /** Weights of the non-shadow entries sum to 100, each version once, at most one shadow of weight 1 to 100. */
    private void validateTraffic(Problems problems) {
        if (traffic.isEmpty()) {
            return;
        }
        int sum = 0;
        int shadows = 0;
        Set<UUID> seen = new HashSet<>();
        for (TrafficSplit split : traffic) {
            if (!seen.add(split.modelVersionId())) {
                problems.add("traffic", "lists model version " + split.modelVersionId() + " more than once",
                        "value_error.traffic");
            }
            if (split.shadow()) {
                shadows++;
                if (split.weight() < 1 || split.weight() > 100) {
                    problems.add("traffic", "the shadow's weight (percent of requests copied to it) must be between"
                            + " 1 and 100", "value_error.range");
                }
            } else if (split.weight() < 0 || split.weight() > 100) {
                problems.add("traffic", "each weight must be between 0 and 100", "value_error.range");
            } else {
                sum += split.weight();
            }
        }
        if (shadows > 1) {
            problems.add("traffic", "may hold at most one shadow entry", "value_error.traffic");
        }
        if (sum != 100) {
            problems.add("traffic", "the weights of the non-shadow entries must sum to 100 (they sum to " + sum + ")",
                    "value_error.traffic");
        }
    }

    /** The same settings with another GPU type (the catalog's spelling of the one asked for). */
    Settings withGpuType(String type) {
        return new Settings(name, modelVersionId, instances, resourceType, type, gpusPerInstance, region,
                evaluationStrategy, evaluationThreshold, maxBatchSize, maxQueueDelayMs, maxQueue, timeoutMs,
                rateLimitPerSecond, autoscaling, traffic, captureGroups);
    }

    /** The same settings with all traffic on one version (promote). */
    Settings withOnlyVersion(UUID versionId) {
        return new Settings(name, versionId, instances, resourceType, gpuType, gpusPerInstance, region,
                evaluationStrategy, evaluationThreshold, maxBatchSize, maxQueueDelayMs, maxQueue, timeoutMs,
                rateLimitPerSecond, autoscaling, List.of(), captureGroups);
    }

    /**
     * Whether going from this to {@code next} needs new model sessions (a new generation, rolled out). A change of
     * model versions does not: each instance runs one version, and the scheduler rolls out per version.
     */
    boolean needsNewSessions(Settings next) {
        return !resourceType.equals(next.resourceType)
                || !Objects.equals(gpuType, next.gpuType) || gpusPerInstance != next.gpusPerInstance
                || !Objects.equals(region, next.region) || !evaluationStrategy.equals(next.evaluationStrategy)
                || evaluationThreshold != next.evaluationThreshold || maxBatchSize != next.maxBatchSize
                || maxQueueDelayMs != next.maxQueueDelayMs || maxQueue != next.maxQueue || timeoutMs != next.timeoutMs
                || !captureGroups.equals(next.captureGroups);
    }

    /**
     * The settings a history snapshot ({@link #asMap}) holds, under this deployment's current {@code name} and
     * autoscaling policy (a rollback returns to a configuration of versions and serving settings, not to an old name
     * or scaling policy).
     */
    Settings restored(Map<String, Object> snapshot) {
        List<TrafficSplit> splits = snapshot.get("traffic") instanceof List<?> list ? list.stream()
                .map(entry -> (Map<?, ?>) entry)
                .map(e -> new TrafficSplit(UUID.fromString(e.get("modelVersionId").toString()),
                        ((Number) e.get("weight")).intValue(), Boolean.TRUE.equals(e.get("shadow"))))
                .toList() : List.of();
        return new Settings(name, UUID.fromString(snapshot.get("modelVersionId").toString()),
                number(snapshot, "instances").intValue(), (String) snapshot.get("resourceType"),
                (String) snapshot.get("gpuType"), number(snapshot, "gpusPerInstance").intValue(),
                (String) snapshot.get("region"), (String) snapshot.get("evaluationStrategy"),
                number(snapshot, "evaluationThreshold").doubleValue(), number(snapshot, "maxBatchSize").intValue(),
                number(snapshot, "maxQueueDelayMs").intValue(), number(snapshot, "maxQueue").intValue(),
                number(snapshot, "timeoutMs").intValue(),
                snapshot.get("rateLimitPerSecond") == null ? null : number(snapshot, "rateLimitPerSecond").intValue(),
                autoscaling, splits, captureGroups);
    }

    private static Number number(Map<String, Object> snapshot, String field) {
        return (Number) snapshot.get(field);
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
        m.put("autoscaling", autoscaling == null ? null : autoscaling.toString());
        m.put("traffic", traffic.stream().map(t -> Map.of("modelVersionId", t.modelVersionId().toString(),
                "weight", t.weight(), "shadow", t.shadow())).toList());
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
