package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.node.GpuTypeCatalog;
import dev.kiln.controlplane.node.Instance;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.InstanceStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What is free on the schedulable nodes during one reconcile round, updated as instances are placed or
 * removed so later deployments of the same round see earlier decisions. Placement rules (DESIGN §7):
 * GPU instances get whole, dedicated GPUs of the requested type on one node; instances of one deployment
 * spread across nodes (fewest of this deployment first, then fewest instances overall).
 */
public final class Capacity {

    /** Where one new instance goes. */
    public record Spot(UUID nodeId, List<Integer> gpuIndices) {
    }

    private final Map<UUID, NodeSlot> nodes = new LinkedHashMap<>();
    private final Set<UUID> draining;
    private final Map<UUID, Set<Integer>> usedGpus = new HashMap<>();
    private final Map<UUID, Integer> totalInstances = new HashMap<>();
    private final Map<UUID, Map<UUID, Integer>> perDeployment = new HashMap<>();

    /**
     * @param schedulable nodes that may receive instances now
     * @param draining    nodes an operator is draining: what runs there moves elsewhere
     * @param existing    every instance that still occupies its node (all but LOST ones)
     */
    public Capacity(List<NodeSlot> schedulable, Set<UUID> draining, List<Instance> existing) {
        this.draining = Set.copyOf(draining);
        schedulable.forEach(node -> nodes.put(node.id(), node));
        existing.stream()
                .filter(i -> i.nodeId() != null && i.status() != InstanceStatus.LOST)
                .forEach(i -> occupy(i.nodeId(), i.deploymentId(), i.gpuIndices()));
    }

    /** The best spot for one more instance of the deployment, reserved; empty when nothing fits. */
    public Optional<Spot> place(Deployment deployment) {
        Optional<Spot> spot = gpu(deployment) ? placeGpu(deployment) : placeCpu(deployment);
        spot.ifPresent(s -> occupy(s.nodeId(), deployment.id(), s.gpuIndices()));
        return spot;
    }

    /** Whether instances on this node are to be moved off it (the node is draining). */
    public boolean draining(UUID nodeId) {
        return draining.contains(nodeId);
    }

    /** Frees what a removed instance held (its GPUs go back to the pool within this round). */
    public void release(Instance instance) {
        if (instance.nodeId() == null) {
            return;
        }
        Set<Integer> used = usedGpus.get(instance.nodeId());
        if (used != null) {
            instance.gpuIndices().forEach(used::remove);
        }
        totalInstances.computeIfPresent(instance.nodeId(), (id, n) -> n - 1);
        Map<UUID, Integer> counts = perDeployment.get(instance.nodeId());
        if (counts != null) {
            counts.computeIfPresent(instance.deploymentId(), (id, n) -> n - 1);
        }
    }

    /**
     * A sentence saying why {@link #place} found nothing, e.g. "needs 2 × H100-80GB per instance; the largest free
     * is 1 on node-b" or "needs 1 × L4 per instance; no node has a free L4".
     */
    public String unplaceableReason(Deployment deployment) {
        String where = deployment.region() == null ? "" : " in region " + deployment.region();
        if (!gpu(deployment)) {
            return "needs a ready inference node" + where + "; none is available";
        }
        int count = deployment.gpusPerInstance();
        String type = deployment.gpuType() == null || deployment.gpuType().isBlank() ? "GPU" : deployment.gpuType();
        String needs = "needs " + count + " × " + type + " per instance; ";
        Optional<NodeSlot> largest = candidates(deployment).stream()
                .filter(node -> !freeGpus(node, deployment.gpuType()).isEmpty())
                .max(Comparator.comparingInt((NodeSlot node) -> freeGpus(node, deployment.gpuType()).size())
                        .thenComparing(NodeSlot::name, Comparator.reverseOrder()));
        if (largest.isPresent()) {
            return needs + "the largest free" + where + " is " + freeGpus(largest.get(), deployment.gpuType()).size()
                    + " on " + largest.get().name();
        }
        String free = count == 1 ? "a free " + type : count + " free " + type + (type.equals("GPU") ? "s" : " GPUs");
        return needs + "no node" + where + " has " + free;
    }

    private Optional<Spot> placeCpu(Deployment deployment) {
        return candidates(deployment).stream()
                .min(spread(deployment).thenComparing(NodeSlot::name))
                .map(node -> new Spot(node.id(), List.of()));
    }

    private Optional<Spot> placeGpu(Deployment deployment) {
        int needed = deployment.gpusPerInstance();
        Map<UUID, List<Integer>> free = new HashMap<>();
        for (NodeSlot node : candidates(deployment)) {
            List<Integer> matching = freeGpus(node, deployment.gpuType());
            if (matching.size() >= needed) {
                free.put(node.id(), matching);
            }
        }
        // Spread first; among equals, the node with the fewest free GPUs (keeps big nodes whole for big asks).
        return candidates(deployment).stream()
                .filter(node -> free.containsKey(node.id()))
                .min(spread(deployment)
                        .thenComparingInt((NodeSlot node) -> free.get(node.id()).size())
                        .thenComparing(NodeSlot::name))
                .map(node -> new Spot(node.id(), List.copyOf(free.get(node.id()).subList(0, needed))));
    }

    private List<NodeSlot> candidates(Deployment deployment) {
        return nodes.values().stream()
                .filter(node -> deployment.region() == null
                        || deployment.region().equalsIgnoreCase(node.region() == null ? "" : node.region()))
                .toList();
    }

    private Comparator<NodeSlot> spread(Deployment deployment) {
        return Comparator.comparingInt((NodeSlot node) -> count(perDeployment.get(node.id()), deployment.id()))
                .thenComparingInt(node -> totalInstances.getOrDefault(node.id(), 0));
    }

    private List<Integer> freeGpus(NodeSlot node, String gpuType) {
        Set<Integer> used = usedGpus.getOrDefault(node.id(), Set.of());
        List<Integer> result = new ArrayList<>();
        for (GpuInfo gpu : node.gpus()) {
            if (!used.contains(gpu.index()) && matches(gpu.name(), gpuType)) {
                result.add(gpu.index());
            }
        }
        result.sort(Comparator.naturalOrder());
        return result;
    }

    /** No type means any GPU; otherwise the catalog's rule ({@link GpuTypeCatalog#matches}). */
    static boolean matches(String gpuName, String gpuType) {
        return gpuType == null || gpuType.isBlank() || GpuTypeCatalog.matches(gpuName, gpuType);
    }

    private void occupy(UUID nodeId, UUID deploymentId, List<Integer> gpuIndices) {
        usedGpus.computeIfAbsent(nodeId, id -> new HashSet<>()).addAll(gpuIndices);
        totalInstances.merge(nodeId, 1, Integer::sum);
        perDeployment.computeIfAbsent(nodeId, id -> new HashMap<>()).merge(deploymentId, 1, Integer::sum);
    }

    private static int count(Map<UUID, Integer> counts, UUID deploymentId) {
        return counts == null ? 0 : counts.getOrDefault(deploymentId, 0);
    }

    private static boolean gpu(Deployment deployment) {
        return "GPU".equals(deployment.resourceType()) && deployment.gpusPerInstance() > 0;
    }
}
