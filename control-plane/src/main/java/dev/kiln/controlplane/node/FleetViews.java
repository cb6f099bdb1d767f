package dev.kiln.controlplane.node;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/** The fleet as operators see it on the dashboard (GET /api/v1/nodes). */
@Singleton
public class FleetViews {

    /** One GPU and the instance holding it, if any. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record GpuView(int index, String name, long memoryBytes, @Nullable String uuid,
                          @Nullable UUID instanceId) {
    }

    /** Every field always present (empty lists and nulls included), so the dashboard reads one shape. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record NodeView(UUID id, String name, String address, String state, @Nullable String region,
                           Map<String, String> labels, int cpuCores, long memoryBytes, @Nullable String version,
                           @Nullable Double cpuPercent, @Nullable Long usedMemoryBytes, Instant registeredAt,
                           Instant lastHeartbeatAt, int instances, List<GpuView> gpus) {
    }

    private static final Argument<Map<String, String>> LABELS = Argument.mapOf(String.class, String.class);

    private final NodeRepository nodes;
    private final NodeGpuRepository gpus;
    private final InstanceRepository instances;
    private final UserRepository users;
    private final JsonMapper json;

    FleetViews(NodeRepository nodes, NodeGpuRepository gpus, InstanceRepository instances, UserRepository users,
               JsonMapper json) {
        this.nodes = nodes;
        this.gpus = gpus;
        this.instances = instances;
        this.users = users;
        this.json = json;
    }

    /** Nodes are shared by every tenant: only operators see them (addresses, load, who runs where). */
    public List<NodeView> list(Caller caller) {
        if (!users.findById(caller.userId()).map(User::operator).orElse(false)) {
            throw new ForbiddenException("Only operators may see the fleet's nodes.");
        }
        Map<UUID, List<NodeGpu>> gpusByNode = gpus.findAllOrdered().stream()
                .collect(Collectors.groupingBy(gpu -> gpu.id().nodeId()));
        List<Instance> all = instances.findAllOrdered();
        return nodes.findAllOrderByName().stream().map(node -> {
            List<Instance> own = all.stream().filter(i -> node.id().equals(i.nodeId())).toList();
            List<GpuView> gpuViews = gpusByNode.getOrDefault(node.id(), List.of()).stream()
                    .map(gpu -> new GpuView(gpu.id().gpuIndex(), gpu.name(), gpu.memoryBytes(), gpu.uuid(),
                            holder(own, gpu.id().gpuIndex())))
                    .toList();
            return new NodeView(node.id(), node.name(), node.address(), node.state().name(), node.region(),
                    labels(node.labels()), node.cpuCores(), node.memoryBytes(), node.version(), node.cpuPercent(),
                    node.usedMemoryBytes(), node.registeredAt(), node.lastHeartbeatAt(), own.size(), gpuViews);
        }).toList();
    }

    private static @Nullable UUID holder(List<Instance> own, int gpuIndex) {
        return own.stream().filter(i -> i.gpuIndices().contains(gpuIndex)).map(Instance::id).findFirst()
                .orElse(null);
    }

    private Map<String, String> labels(String text) {
        try {
            return Objects.requireNonNullElse(json.readValue(text, LABELS), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
