package dev.kiln.controlplane.node;

import dev.kiln.controlplane.audit.Actor;
import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.logs.InstanceStatusChanged;
import dev.kiln.controlplane.stats.HeartbeatStats;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.HeartbeatAck;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Node membership: registration (credentials) and heartbeats (liveness, resources, observed instances). */
@Singleton
public class NodeRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
    private static final int MAX_ERROR_LENGTH = 2000;
    /** Statuses a node may report; the control plane owns SCHEDULED, DRAINING and LOST. */
    private static final Set<InstanceStatus> REPORTABLE = EnumSet.of(InstanceStatus.LOADING, InstanceStatus.READY,
            InstanceStatus.FAILED);
    /** Instances the control plane has taken away from the node; late reports must not revive them. */
    private static final Set<InstanceStatus> SETTLED = EnumSet.of(InstanceStatus.DRAINING, InstanceStatus.LOST);

    private final NodeRepository nodes;
    private final NodeGpuRepository gpus;
    private final InstanceRepository instances;
    private final GatewayTokens gatewayTokens;
    private final TransactionOperations<Connection> tx;
    private final ApplicationEventPublisher<Object> events;
    private final JsonMapper json;
    private final NodesConfig config;
    private final AuditLog audit;
    private final NodeAddresses addresses;
    private final RefusalAudit refusals;
    private final Clock clock;

    NodeRegistry(NodeRepository nodes, NodeGpuRepository gpus, InstanceRepository instances,
                 GatewayTokens gatewayTokens, TransactionOperations<Connection> tx,
                 ApplicationEventPublisher<Object> events, JsonMapper json, NodesConfig config, AuditLog audit,
                 NodeAddresses addresses, RefusalAudit refusals, Clock clock) {
        this.nodes = nodes;
        this.gpus = gpus;
        this.instances = instances;
        this.gatewayTokens = gatewayTokens;
        this.tx = tx;
        this.events = events;
        this.json = json;
        this.config = config;
        this.audit = audit;
        this.addresses = addresses;
        this.refusals = refusals;
        this.clock = clock;
    }

    /**
     * Admits a node (the caller has checked the join token). The join token admits new nodes only: a node that
     * exists (by id or by name) re-registers only with its current credential, which keeps an impostor holding just
     * the join token from taking over its row, instances and tokens. An admitted node gets a new secret, and whatever
     * it owned must be loaded again (a registering node has just started), and a new gateway token replaces the old
     * one (the node accepts the old one a little longer, for calls already on their way). Every attempt is audited;
     * repeated refusals of one name from one address are counted into one row per window ({@link RefusalAudit}).
     *
     * @param presentedSecret the node secret the caller presents, if any
     * @param remoteAddress   where the registration came from: the advertised address must resolve to it (or lie in
     *                        the configured node networks), and the audit trail records it
     */
    public RegistrationOutcome register(NodeRegistration registration, @Nullable String presentedSecret,
                                        String remoteAddress) {
        validate(registration);
        Actor actor = new Actor(null, "node " + registration.name(), remoteAddress);
        Optional<String> badAddress = addresses.refusal(registration.address(), remoteAddress);
        if (badAddress.isPresent()) {
            refusals.record(actor, registration.name(), registration.address(), Map.of("reason", badAddress.get()));
            Problems problems = new Problems();
            problems.add("address", badAddress.get(), "value_error.address");
            problems.throwIfAny("The node's address is not allowed.");
        }
        String secret = Secrets.randomBase64Url(32);
        String gatewayToken = GatewayTokens.newToken();
        Saved saved = tx.executeWrite(status -> {
            Optional<Node> byId = Optional.ofNullable(registration.nodeId()).flatMap(nodes::findById);
            Optional<Node> byName = nodes.findByName(registration.name());
            Optional<String> refusal = RegistrationRules.refusal(registration.name(), byId, byName, presentedSecret);
            if (refusal.isPresent()) {
                return new Saved(null, false, refusal.get());
            }
            Optional<Node> existing = byId.or(() -> byName);
            UUID id = save(registration, existing, Secrets.sha256Hex(secret), gatewayToken);
            audit.record(actor, existing.isPresent() ? "node.reregister" : "node.register", target(id),
                    Map.of("name", registration.name(), "address", registration.address()));
            return new Saved(id, existing.isPresent(), null);
        });
        if (saved.id() == null) {
            LOG.warn("Refused a registration as node {} from {}: {}", registration.name(), remoteAddress,
                    saved.refusal());
            refusals.record(actor, registration.name(), registration.address(), Map.of());
            return new RegistrationOutcome.Refused(saved.refusal());
        }
        events.publishEvent(new AssignmentsChanged(Set.of(saved.id())));
        events.publishEvent(new InstancesChanged());
        return new RegistrationOutcome.Admitted(new NodeCredentials(saved.id(), secret,
                gatewayToken, config.heartbeatInterval().toMillis()), saved.rejoined());
    }

    private record Saved(@Nullable UUID id, boolean rejoined, @Nullable String refusal) {
    }

    static AuditLog.Target target(UUID nodeId) {
        return new AuditLog.Target(null, null, "node", nodeId.toString());
    }

    /** Records liveness and resources, applies the node's instance reports, answers its assignments version. */
    public HeartbeatAck heartbeat(Node node, Heartbeat heartbeat) {
        Instant now = Times.now(clock);
        // Instance rows first (in id order), the node row last: the reconciler locks in the same order, so a
        // heartbeat and a reconcile round touching one node never deadlock.
        Applied applied = tx.executeWrite(status -> {
            Applied result = applyReports(node.id(), Objects.requireNonNullElse(heartbeat.instances(), List.of()), now);
            if (result.reclaimed()) {
                nodes.bumpAssignmentsVersions(Set.of(node.id()));
            }
            nodes.recordHeartbeat(node.id(), now, heartbeat.cpuPercent(), heartbeat.memoryBytes());
            syncGpus(node.id(), Objects.requireNonNullElse(heartbeat.gpus(), List.of()));
            return result;
        });
        events.publishEvent(new HeartbeatStats(node.id(), heartbeat.windows(), heartbeat.samples()));
        if (node.state() == NodeState.LOST) {
            LOG.info("Node {} ({}) is back", node.name(), node.id());
        }
        if (applied.reclaimed()) {
            events.publishEvent(new AssignmentsChanged(Set.of(node.id())));
        }
        if (applied.readinessChanged()) {
            events.publishEvent(new InstancesChanged());
        }
        return new HeartbeatAck(nodes.findAssignmentsVersion(node.id()).orElse(0L));
    }

    private UUID save(NodeRegistration registration, Optional<Node> existing, String secretHash,
                      String gatewayToken) {
        Instant now = Times.now(clock);
        UUID id = existing.map(Node::id).orElseGet(UUID::randomUUID);
        NodeState cordon = existing.map(Node::cordon).orElse(null);
        Node row = new Node(id, registration.name(), stripSlash(registration.address()), secretHash,
                existing.map(Node::liveState).orElse(NodeState.READY),
                registration.region(), labelsJson(registration.labels()), Math.max(0, registration.cpuCores()),
                Math.max(0, registration.memoryBytes()), registration.version(), null, null,
                existing.map(Node::registeredAt).orElse(now), now,
                existing.map(n -> n.assignmentsVersion() + 1).orElse(1L), cordon,
                gatewayTokens.seal(id, gatewayToken));
        if (existing.isPresent()) {
            nodes.update(row);
            instances.resetOnNode(id, now);
            LOG.info("Node {} ({}) re-registered at {}", row.name(), id, row.address());
        } else {
            nodes.save(row);
            LOG.info("Node {} ({}) joined at {}", row.name(), id, row.address());
        }
        syncGpus(id, Objects.requireNonNullElse(registration.gpus(), List.of()));
        return id;
    }

    /** Rewrites the node's GPU rows only when the reported set differs (heartbeats repeat it every time). */
    private void syncGpus(UUID nodeId, List<GpuInfo> reported) {
        List<GpuInfo> wanted = reported.stream().sorted(Comparator.comparingInt(GpuInfo::index)).toList();
        List<GpuInfo> stored = gpus.findByNode(nodeId).stream().map(NodeGpu::info).toList();
        if (!wanted.equals(stored)) {
            gpus.deleteByNode(nodeId);
            wanted.forEach(gpu -> gpus.save(NodeGpu.of(nodeId, gpu)));
        }
    }

    /**
     * @param readinessChanged whether an instance became or stopped being READY (the gateway's routes changed)
     * @param reclaimed        whether LOST instances were given back to the node (its assignments changed)
     */
    private record Applied(boolean readinessChanged, boolean reclaimed) {
    }

    private Applied applyReports(UUID nodeId, List<InstanceReport> reports, Instant now) {
        Map<UUID, Instance> owned = instances.findByNode(nodeId).stream()
                .collect(Collectors.toMap(Instance::id, Function.identity(), (a, b) -> a, TreeMap::new));
        reports = reports.stream().filter(Objects::nonNull).sorted(Comparator.comparing(InstanceReport::instanceId,
                        Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
        boolean reclaimed = reclaim(nodeId, owned, reports, now);
        boolean readinessChanged = false;
        for (InstanceReport report : reports) {
            Instance instance = owned.get(report.instanceId());
            if (instance == null || SETTLED.contains(instance.status()) || !REPORTABLE.contains(report.status())) {
                continue; // not this node's (any more), or a report the control plane must not take
            }
            String error = switch (report.status()) {
                case READY -> null;
                case FAILED -> truncate(Objects.requireNonNullElse(report.error(), "the instance failed to load"));
                default -> instance.error(); // keeps the previous attempt's error visible while it retries
            };
            if (report.status() == instance.status() && Objects.equals(error, instance.error())) {
                continue;
            }
            boolean newFailure = report.status() == InstanceStatus.FAILED && instance.status() != InstanceStatus.FAILED;
            instances.updateStatus(instance.id(), report.status(), error,
                    instance.attempts() + (newFailure ? 1 : 0), now);
            if (report.status() == InstanceStatus.READY) {
                instances.recordQueue(instance.id(), report.effectiveMaxQueue(), report.maxQueueClampedBy());
            }
            events.publishEvent(new InstanceStatusChanged(instance.deploymentId(), instance.id(), nodeId,
                    report.status(), error));
            readinessChanged |= instance.status() == InstanceStatus.READY || report.status() == InstanceStatus.READY;
        }
        return new Applied(forgotten(owned, reports, now) || readinessChanged, reclaimed);
    }

    /**
     * A node that was LOST (silent, e.g. cut off by the network) and comes back still holding instances that have
     * not been cleaned up yet (their replacements are not READY) gets them back rather than loading new copies. They
     * return as LOADING: no traffic goes there before the node's next heartbeat says READY, because the node may
     * have dropped them after building this one, on the assignments it pulled when it came back (then that
     * heartbeat no longer lists them and they are loaded again). LOADING also ranks them above a replacement that
     * is not further along when the planner removes the surplus copy. One whose GPUs were handed to another
     * instance meanwhile stays LOST; so do those the node no longer holds, which the scheduler forgets once replaced.
     */
    private boolean reclaim(UUID nodeId, Map<UUID, Instance> owned, List<InstanceReport> reports, Instant now) {
        Set<Integer> gpusInUse = owned.values().stream().filter(i -> i.status() != InstanceStatus.LOST)
                .flatMap(i -> i.gpuIndices().stream()).collect(Collectors.toSet());
        boolean reclaimed = false;
        for (InstanceReport report : reports) {
            Instance instance = owned.get(report.instanceId());
            if (instance == null || instance.status() != InstanceStatus.LOST
                    || (report.status() != InstanceStatus.READY && report.status() != InstanceStatus.LOADING)
                    || instance.gpuIndices().stream().anyMatch(gpusInUse::contains)) {
                continue;
            }
            instances.updateStatus(instance.id(), InstanceStatus.LOADING, instance.error(), instance.attempts(), now);
            gpusInUse.addAll(instance.gpuIndices());
            reclaimed = true;
            LOG.info("Node {} still holds instance {}; it is the node's again", nodeId, instance.id());
        }
        return reclaimed;
    }

    /**
     * A node reports every instance it holds. One it had reported LOADING or READY and no longer mentions is
     * gone from it (the node restarted): back to SCHEDULED, so no traffic goes there until it is READY again.
     */
    private boolean forgotten(Map<UUID, Instance> owned, List<InstanceReport> reports, Instant now) {
        Set<UUID> reported = reports.stream().map(InstanceReport::instanceId)
                .collect(Collectors.toSet());
        boolean readinessChanged = false;
        for (Instance instance : owned.values()) {
            boolean held = instance.status() == InstanceStatus.LOADING || instance.status() == InstanceStatus.READY;
            if (held && !reported.contains(instance.id())) {
                instances.updateStatus(instance.id(), InstanceStatus.SCHEDULED, instance.error(), instance.attempts(),
                        now);
                readinessChanged |= instance.status() == InstanceStatus.READY;
            }
        }
        return readinessChanged;
    }

    private static void validate(NodeRegistration registration) {
        Problems problems = new Problems();
        if (registration.name() == null || registration.name().isBlank()) {
            problems.add("name", "must not be blank", "value_error.missing");
        }
        if (!isHttpUrl(registration.address())) {
            problems.add("address", "must be an http(s) base URL such as http://10.0.0.5:8081", "value_error.url");
        }
        problems.throwIfAny("The node registration is not valid.");
    }

    private static boolean isHttpUrl(String address) {
        try {
            URI uri = address == null ? null : URI.create(address);
            return uri != null && uri.getHost() != null
                    && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String stripSlash(String address) {
        return address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    }

    private String labelsJson(Map<String, String> labels) {
        try {
            return json.writeValueAsString(Objects.requireNonNullElse(labels, Map.of()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String truncate(String error) {
        return error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH) + "…";
    }
}
