package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.deployment.DeploymentStatus;
import dev.kiln.controlplane.deployment.Traffic;
import dev.kiln.controlplane.deployment.TrafficSplit;
import dev.kiln.controlplane.node.Instance;
import dev.kiln.protocol.InstanceStatus;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Decides, on plain data, what one deployment needs this round (DESIGN §7): keep each version of its traffic list
 * at its share of {@code instances} live instances of the current generation, retry failed ones with backoff, roll out a new generation before
 * draining the old one, move instances off draining nodes the same way, clean up what is lost, and say what state
 * the deployment is in.
 */
public final class Planner {

    /** Instances that hold one of the deployment's slots. FAILED holds its slot until it is retried. */
    private static final Set<InstanceStatus> LIVE = EnumSet.of(InstanceStatus.SCHEDULED, InstanceStatus.LOADING,
            InstanceStatus.READY, InstanceStatus.FAILED);
    /** Which live instance to remove first when there are too many: the least useful one. */
    private static final Map<InstanceStatus, Integer> REMOVAL_ORDER = Map.of(InstanceStatus.FAILED, 0,
            InstanceStatus.SCHEDULED, 1, InstanceStatus.LOADING, 2, InstanceStatus.READY, 3);

    private final SchedulerConfig config;

    public Planner(SchedulerConfig config) {
        this.config = config;
    }

    /** The instances to keep: the autoscaler's current count while autoscaling is on, else the configured one. */
    static int desiredInstances(Deployment deployment) {
        return deployment.autoscaledInstances() != null ? deployment.autoscaledInstances() : deployment.instances();
    }

    private record Carry(int attempts, String error) {
    }

    /**
     * @param deployment a deployment that is not being deleted
     * @param instances  all of its instances
     * @param capacity   the round's free capacity; placements and releases are recorded in it
     */
    public Plan plan(Deployment deployment, List<Instance> instances, Capacity capacity, Instant now) {
        int desired = desiredInstances(deployment);
        // Each version of the traffic list is kept at its own count; see Traffic for how they are split.
        List<TrafficSplit> traffic = Traffic.effective(deployment);
        Map<UUID, Integer> perVersion = Traffic.instancesPerVersion(traffic, desired);
        Set<UUID> shadows = traffic.stream().filter(TrafficSplit::shadow).map(TrafficSplit::modelVersionId)
                .collect(Collectors.toSet());
        Set<UUID> delete = new LinkedHashSet<>();
        Set<UUID> drain = new LinkedHashSet<>();

        Map<UUID, List<Instance>> current = new LinkedHashMap<>();
        Map<UUID, List<Instance>> moving = new LinkedHashMap<>();
        perVersion.keySet().forEach(version -> {
            current.put(version, new ArrayList<>());
            moving.put(version, new ArrayList<>());
        });
        List<Instance> old = new ArrayList<>();
        for (Instance instance : instances) {
            if (instance.nodeId() == null) {
                delete.add(instance.id()); // its node row is gone: nothing runs it any more
            } else if (LIVE.contains(instance.status())) {
                if (instance.generation() != deployment.generation()
                        || !perVersion.containsKey(instance.modelVersionId())
                        || instance.shadow() != shadows.contains(instance.modelVersionId())) {
                    old.add(instance);
                } else {
                    (capacity.draining(instance.nodeId()) ? moving : current).get(instance.modelVersionId())
                            .add(instance);
                }
            } else if (instance.status() == InstanceStatus.DRAINING
                    && !now.isBefore(instance.updatedAt().plus(config.drainGrace()))) {
                delete.add(instance.id());
                capacity.release(instance);
            }
        }

        List<Plan.NewInstance> create = new ArrayList<>();
        Deque<Carry> unplaced = new ArrayDeque<>();
        String unplaceable = null;
        long readyCurrent = 0;
        long movingServing = 0;
        int desiredTotal = 0;
        for (Map.Entry<UUID, Integer> version : perVersion.entrySet()) {
            List<Instance> own = current.get(version.getKey());
            int wanted = version.getValue();
            desiredTotal += wanted;
            Deque<Carry> retries = retryFailed(own, delete, capacity, now);
            removeExtras(own, wanted, drain, delete, capacity);
            int placed = 0;
            while (unplaceable == null && own.size() + placed < wanted) {
                var spot = capacity.place(deployment);
                if (spot.isEmpty()) {
                    unplaceable = capacity.unplaceableReason(deployment);
                    break;
                }
                Carry carry = retries.isEmpty() ? new Carry(0, null) : retries.poll();
                create.add(new Plan.NewInstance(spot.get().nodeId(), spot.get().gpuIndices(), carry.attempts(),
                        carry.error(), version.getKey(), shadows.contains(version.getKey())));
                placed++;
            }
            unplaced.addAll(retries);
            long ready = own.stream().filter(i -> i.status() == InstanceStatus.READY).count();
            readyCurrent += ready;
            movingServing += moveOffDrainingNodes(moving.get(version.getKey()), ready, wanted, drain, delete,
                    capacity);
        }
        List<Instance> live = current.values().stream().flatMap(List::stream).toList();

        // A new generation (or version) takes over only once all of it is ready; old instances that serve nothing
        // go now.
        for (Instance instance : old) {
            if (instance.status() != InstanceStatus.READY) {
                delete.add(instance.id());
                capacity.release(instance);
            } else if (readyCurrent >= desiredTotal) {
                drain.add(instance.id());
            }
        }
        if (readyCurrent >= desiredTotal) {
            instances.stream().filter(i -> i.status() == InstanceStatus.LOST).forEach(i -> delete.add(i.id()));
        }

        Set<UUID> touch = settingsChanged(deployment, live, old, drain, delete);
        String lastError = lastError(live, create, unplaced);
        long oldServing = old.stream().filter(i -> i.status() == InstanceStatus.READY && !drain.contains(i.id()))
                .count();
        Status status = status(desiredTotal, readyCurrent + movingServing, oldServing, live.size() + create.size(),
                unplaceable, lastError);
        String reason = status.reason();
        if (movingServing > 0) {
            String move = "moving " + movingServing + " instance" + (movingServing == 1 ? "" : "s")
                    + " off a draining node";
            // ONLINE says nothing of placement on its own; the move may be stuck for want of room elsewhere.
            reason = join(reason, status.status() == DeploymentStatus.ONLINE ? join(move, unplaceable) : move);
        }
        return new Plan(create, drain, delete, touch, status.status(), reason);
    }

    /**
     * Instances on a draining node were replaced above (they are not counted as current). Each READY one keeps
     * serving until a READY replacement (of its version) stands in for it, then drains; the others go at once.
     * Returns how many still serve.
     */
    private static long moveOffDrainingNodes(List<Instance> moving, long readyCurrent, int desired, Set<UUID> drain,
                                             Set<UUID> delete, Capacity capacity) {
        long ready = moving.stream().filter(i -> i.status() == InstanceStatus.READY).count();
        long spare = Math.max(0, readyCurrent + ready - desired);
        long serving = 0;
        for (Instance instance : moving) {
            if (instance.status() != InstanceStatus.READY) {
                delete.add(instance.id());
                capacity.release(instance);
            } else if (spare > 0) {
                drain.add(instance.id());
                spare--;
            } else {
                serving++;
            }
        }
        return serving;
    }

    /** Failed instances whose backoff has passed are removed; their replacements inherit attempts and error. */
    private Deque<Carry> retryFailed(List<Instance> current, Set<UUID> delete, Capacity capacity, Instant now) {
        Deque<Carry> retries = new ArrayDeque<>();
        for (Instance instance : List.copyOf(current)) {
            if (instance.status() == InstanceStatus.FAILED
                    && !now.isBefore(instance.updatedAt().plus(config.backoff(Math.max(1, instance.attempts()))))) {
                current.remove(instance);
                delete.add(instance.id());
                capacity.release(instance);
                retries.add(new Carry(instance.attempts(), instance.error()));
            }
        }
        return retries;
    }

    private static void removeExtras(List<Instance> current, int desired, Set<UUID> drain, Set<UUID> delete,
                                     Capacity capacity) {
        if (current.size() <= desired) {
            return;
        }
        Map<UUID, Long> perNode = current.stream()
                .collect(Collectors.groupingBy(Instance::nodeId, Collectors.counting()));
        List<Instance> byUsefulness = current.stream()
                .sorted(Comparator.comparingInt((Instance i) -> REMOVAL_ORDER.get(i.status()))
                        .thenComparing(i -> -perNode.get(i.nodeId()))
                        .thenComparing(Instance::createdAt, Comparator.reverseOrder()))
                .toList();
        for (Instance extra : byUsefulness.subList(0, current.size() - desired)) {
            current.remove(extra);
            if (extra.status() == InstanceStatus.READY) {
                drain.add(extra.id()); // it keeps its resources until it is deleted after the grace
            } else {
                delete.add(extra.id());
                capacity.release(extra);
            }
        }
    }

    /**
     * Settings that need no new session (timeouts, queue sizes...) change the deployment row but not the
     * generation; an instance row older than its deployment row has not been announced to its node yet.
     */
    private static Set<UUID> settingsChanged(Deployment deployment, List<Instance> current, List<Instance> old,
                                             Set<UUID> drain, Set<UUID> delete) {
        Set<UUID> touch = new LinkedHashSet<>();
        for (List<Instance> group : List.of(current, old)) {
            group.stream()
                    .filter(i -> i.updatedAt().isBefore(deployment.updatedAt()))
                    .filter(i -> !drain.contains(i.id()) && !delete.contains(i.id()))
                    .forEach(i -> touch.add(i.id()));
        }
        return touch;
    }

    /** The newest load error among the live instances, else one carried by a retry (placed or not). */
    private static String lastError(List<Instance> current, List<Plan.NewInstance> created, Deque<Carry> unplaced) {
        return current.stream()
                .filter(i -> i.error() != null)
                .max(Comparator.comparing(Instance::updatedAt))
                .map(Instance::error)
                .or(() -> created.stream().map(Plan.NewInstance::error).filter(Objects::nonNull).findFirst())
                .orElseGet(() -> unplaced.stream().map(Carry::error).filter(Objects::nonNull).findFirst()
                        .orElse(null));
    }

    private record Status(DeploymentStatus status, String reason) {
    }

    private static Status status(int desired, long ready, long oldServing, int placed, String unplaceable,
                                 String lastError) {
        if (desired == 0) {
            return new Status(DeploymentStatus.PENDING, "scaled to 0 instances");
        }
        if (ready >= desired) {
            return new Status(DeploymentStatus.ONLINE, null);
        }
        String cause = unplaceable != null ? unplaceable : lastError;
        if (oldServing > 0) {
            return new Status(DeploymentStatus.DEPLOYING, join("rolling out: " + ready + " of " + desired
                    + " new instances ready", cause));
        }
        if (ready == 0) {
            if (lastError != null) {
                return new Status(DeploymentStatus.FAILED, lastError);
            }
            if (placed == 0 && unplaceable != null) {
                return new Status(DeploymentStatus.PENDING, unplaceable);
            }
            return new Status(DeploymentStatus.DEPLOYING, unplaceable);
        }
        return new Status(DeploymentStatus.DEGRADED, join(ready + " of " + desired + " instances ready", cause));
    }

    private static String join(String summary, String cause) {
        if (summary == null) {
            return cause;
        }
        return cause == null ? summary : summary + "; " + cause;
    }

}
