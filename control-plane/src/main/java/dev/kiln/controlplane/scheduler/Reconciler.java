package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.deployment.DeploymentRepository;
import dev.kiln.controlplane.deployment.DeploymentStatus;
import dev.kiln.controlplane.logs.DeploymentStatusChanged;
import dev.kiln.controlplane.node.AssignmentsChanged;
import dev.kiln.controlplane.node.Instance;
import dev.kiln.controlplane.node.InstanceRepository;
import dev.kiln.controlplane.node.InstancesChanged;
import dev.kiln.controlplane.node.Node;
import dev.kiln.controlplane.node.NodeGpu;
import dev.kiln.controlplane.node.NodeGpuRepository;
import dev.kiln.controlplane.node.NodeRepository;
import dev.kiln.controlplane.node.NodeState;
import dev.kiln.controlplane.node.NodesConfig;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.InstanceStatus;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One reconcile round over the whole fleet, run by the replica holding the scheduler lock: nodes silent
 * past the heartbeat timeout become LOST, deleted deployments are torn down, and every other deployment
 * gets the plan of {@link Planner}, applied in one transaction per deployment together with the version
 * bump of every node whose assignments it changes.
 */
@Singleton
public class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final LeaderLock leader;
    private final NodeRepository nodes;
    private final NodeGpuRepository gpus;
    private final InstanceRepository instances;
    private final DeploymentRepository deployments;
    private final SchedulerStore store;
    private final TransactionOperations<Connection> tx;
    private final ApplicationEventPublisher<Object> events;
    private final NodesConfig nodesConfig;
    private final Planner planner;
    private final Clock clock;
    private final AutoscaleJob autoscaling;
    private long term;
    private Instant listeningSince;

    Reconciler(LeaderLock leader, NodeRepository nodes, NodeGpuRepository gpus, InstanceRepository instances,
               DeploymentRepository deployments, SchedulerStore store, TransactionOperations<Connection> tx,
               ApplicationEventPublisher<Object> events, NodesConfig nodesConfig, SchedulerConfig config,
               Clock clock, AutoscaleJob autoscaling) {
        this.autoscaling = autoscaling;
        this.leader = leader;
        this.nodes = nodes;
        this.gpus = gpus;
        this.instances = instances;
        this.deployments = deployments;
        this.store = store;
        this.tx = tx;
        this.events = events;
        this.nodesConfig = nodesConfig;
        this.planner = new Planner(config);
        this.clock = clock;
    }

    /** Runs one round if this replica is the leader; returns whether it was. One round at a time. */
    public synchronized boolean runOnce() {
        if (!leader.acquire()) {
            return false;
        }
        Instant now = Times.now(clock);
        if (leader.term() != term) {
            term = leader.term();
            listeningSince = now;
        }
        markSilentNodesLost(now);
        autoscaling.runOnce(now);
        reconcileDeployments(now);
        return true;
    }

    /**
     * A node is LOST when it has been silent for the heartbeat timeout while this leader was listening. A leader
     * that has just taken over (a fresh start, a failover, the database coming back: each loses the lock connection)
     * first waits one timeout: heartbeats could not land while the control plane or Postgres was away, so old
     * timestamps then say nothing about the nodes, and declaring them all LOST would pull every route at once.
     */
    private void markSilentNodesLost(Instant now) {
        Instant silentSince = now.minus(nodesConfig.heartbeatTimeout());
        if (listeningSince.isAfter(silentSince)) {
            return;
        }
        for (Node node : nodes.findAll()) {
            if (node.state() == NodeState.LOST || !node.lastHeartbeatAt().isBefore(silentSince)) {
                continue;
            }
            boolean lost = tx.executeWrite(status -> {
                if (nodes.markLostIfSilent(node.id(), silentSince) == 0) {
                    return false; // it spoke in the meantime
                }
                instances.markLostOnNode(node.id(), now);
                nodes.bumpAssignmentsVersions(Set.of(node.id()));
                return true;
            });
            if (lost) {
                LOG.warn("Node {} ({}) silent since {}: LOST, its instances will be replaced", node.name(),
                        node.id(), node.lastHeartbeatAt());
                events.publishEvent(new InstancesChanged());
            }
        }
    }

    private void reconcileDeployments(Instant now) {
        Instant fresh = now.minus(nodesConfig.heartbeatTimeout());
        Map<UUID, List<GpuInfo>> gpusByNode = gpus.findAllOrdered().stream().collect(Collectors.groupingBy(
                gpu -> gpu.id().nodeId(), Collectors.mapping(NodeGpu::info, Collectors.toList())));
        List<Node> fleet = nodes.findAll();
        List<NodeSlot> schedulable = fleet.stream()
                .filter(node -> node.state() == NodeState.READY && !node.lastHeartbeatAt().isBefore(fresh))
                .map(node -> new NodeSlot(node.id(), node.name(), node.region(),
                        gpusByNode.getOrDefault(node.id(), List.of())))
                .toList();
        Set<UUID> draining = fleet.stream().filter(node -> node.state() == NodeState.DRAINING).map(Node::id)
                .collect(Collectors.toSet());
        List<Instance> all = instances.findAllOrdered();
        Capacity capacity = new Capacity(schedulable, draining, all);
        Map<UUID, List<Instance>> byDeployment = all.stream().collect(Collectors.groupingBy(Instance::deploymentId));
        // Older deployments are served first when capacity is short.
        List<Deployment> ordered = deployments.findAll().stream()
                .sorted(Comparator.comparing(Deployment::createdAt)).toList();
        for (Deployment deployment : ordered) {
            List<Instance> own = byDeployment.getOrDefault(deployment.id(), List.of());
            try {
                if (deployment.deleting()) {
                    tearDown(deployment, own);
                } else {
                    apply(deployment, own, planner.plan(deployment, own, capacity, now), now);
                }
            } catch (RuntimeException e) {
                // One broken deployment must not stop the fleet from being reconciled.
                LOG.error("Reconciling deployment {} failed", deployment.id(), e);
            }
        }
    }

    private void tearDown(Deployment deployment, List<Instance> own) {
        Set<UUID> ids = own.stream().map(Instance::id).collect(Collectors.toSet());
        Set<UUID> affected = nodesOf(own);
        boolean deleted = tx.executeWrite(status -> {
            if (!ids.isEmpty()) {
                instances.deleteByIdIn(ids);
            }
            if (!affected.isEmpty()) {
                nodes.bumpAssignmentsVersions(affected);
            }
            return store.deleteIfEmpty(deployment.id());
        });
        if (deleted) {
            LOG.info("Deployment {} ({}) removed", deployment.name(), deployment.id());
        }
        announce(affected, !ids.isEmpty());
    }

    private void apply(Deployment deployment, List<Instance> own, Plan plan, Instant now) {
        Map<UUID, Instance> byId = own.stream().collect(Collectors.toMap(Instance::id, Function.identity()));
        Set<UUID> affected = new HashSet<>();
        plan.create().forEach(c -> affected.add(c.nodeId()));
        for (Set<UUID> ids : List.of(plan.delete(), plan.touch())) {
            ids.stream().map(byId::get).map(Instance::nodeId).filter(Objects::nonNull).forEach(affected::add);
        }
        boolean statusChanged = statusChanged(deployment, plan);
        if (!plan.changesInstances() && !statusChanged) {
            return;
        }
        tx.executeWrite(status -> {
            if (!plan.delete().isEmpty()) {
                instances.deleteByIdIn(plan.delete());
            }
            if (!plan.drain().isEmpty()) {
                instances.drain(plan.drain(), now);
            }
            for (Plan.NewInstance created : plan.create()) {
                instances.save(new Instance(UUID.randomUUID(), deployment.id(), deployment.generation(),
                        created.nodeId(), created.gpuIndices(), InstanceStatus.SCHEDULED, created.error(),
                        created.attempts(), now, now, created.modelVersionId(), created.shadow()));
            }
            if (!plan.touch().isEmpty()) {
                instances.touch(plan.touch(), now.isAfter(deployment.updatedAt()) ? now : deployment.updatedAt());
            }
            if (!affected.isEmpty()) {
                nodes.bumpAssignmentsVersions(affected);
            }
            if (statusChanged) {
                store.updateStatus(deployment.id(), plan.status().name(), plan.reason(), now);
            }
            return null;
        });
        if (statusChanged) {
            LOG.info("Deployment {} ({}): {}{}", deployment.name(), deployment.id(), plan.status(),
                    plan.reason() == null ? "" : " — " + plan.reason());
            events.publishEvent(new DeploymentStatusChanged(deployment.id(), plan.status().name(), plan.reason()));
        }
        boolean routesChanged = plan.drain().stream().anyMatch(byId::containsKey)
                || plan.delete().stream().map(byId::get).anyMatch(i -> i.status() == InstanceStatus.READY);
        announce(affected, routesChanged);
    }

    private static boolean statusChanged(Deployment deployment, Plan plan) {
        return !plan.status().name().equals(deployment.status())
                || !Objects.equals(plan.reason(), deployment.statusReason())
                || (plan.status() == DeploymentStatus.ONLINE && deployment.onlineSince() == null);
    }

    private void announce(Set<UUID> affectedNodes, boolean routesChanged) {
        if (!affectedNodes.isEmpty()) {
            events.publishEvent(new AssignmentsChanged(Set.copyOf(affectedNodes)));
        }
        if (routesChanged) {
            events.publishEvent(new InstancesChanged());
        }
    }

    private static Set<UUID> nodesOf(List<Instance> own) {
        return own.stream().map(Instance::nodeId).filter(Objects::nonNull).collect(Collectors.toSet());
    }
}
