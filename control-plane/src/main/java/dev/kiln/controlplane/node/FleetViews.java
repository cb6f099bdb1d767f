package dev.kiln.controlplane.node;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.protocol.InstanceStatus;
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

    /** One GPU, the catalog type it counts as (null: none matches), and the instance holding it, if any. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record GpuView(int index, String name, long memoryBytes, @Nullable String uuid, @Nullable String type,
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
    private final GpuTypeRepository gpuTypes;
    private final Operators operators;
    private final JsonMapper json;

    FleetViews(NodeRepository nodes, NodeGpuRepository gpus, InstanceRepository instances,
               GpuTypeRepository gpuTypes, Operators operators, JsonMapper json) {
        this.nodes = nodes;
        this.gpus = gpus;
        this.instances = instances;
        this.gpuTypes = gpuTypes;
        this.operators = operators;
        this.json = json;
    }

    /** Nodes are shared by every tenant: only operators see them (addresses, load, who runs where). */
    public List<NodeView> list(Caller caller) {
        operators.require(caller, "see the fleet's nodes");
        Map<UUID, List<NodeGpu>> gpusByNode = gpus.findAllOrdered().stream()
                .collect(Collectors.groupingBy(gpu -> gpu.id().nodeId()));
        List<Instance> all = instances.findAllOrdered();
        List<GpuType> catalog = gpuTypes.findAllOrdered();
        return nodes.findAllOrderByName().stream().map(node -> view(node,
                gpusByNode.getOrDefault(node.id(), List.of()),
                all.stream().filter(i -> node.id().equals(i.nodeId())).toList(), catalog)).toList();
    }

    /** One node as {@link #list} shows it; the caller has been checked. */
    NodeView view(UUID nodeId) {
        Node node = nodes.findById(nodeId).orElseThrow(() -> new NotFoundException("No node " + nodeId + "."));
        return view(node, gpus.findByNode(nodeId), instances.findByNode(nodeId), gpuTypes.findAllOrdered());
    }

    private NodeView view(Node node, List<NodeGpu> nodeGpus, List<Instance> own, List<GpuType> catalog) {
        List<GpuView> gpuViews = nodeGpus.stream()
                .map(gpu -> new GpuView(gpu.id().gpuIndex(), gpu.name(), gpu.memoryBytes(), gpu.uuid(),
                        GpuTypeCatalog.typeOf(gpu.name(), catalog).orElse(null), holder(own, gpu.id().gpuIndex())))
                .toList();
        return new NodeView(node.id(), node.name(), node.address(), node.state().name(), node.region(),
                labels(node.labels()), node.cpuCores(), node.memoryBytes(), node.version(), node.cpuPercent(),
                node.usedMemoryBytes(), node.registeredAt(), node.lastHeartbeatAt(), own.size(), gpuViews);
    }

    private static @Nullable UUID holder(List<Instance> own, int gpuIndex) {
        // A LOST instance no longer holds its GPU (the scheduler may hand it out again).
        return own.stream().filter(i -> i.status() != InstanceStatus.LOST && i.gpuIndices().contains(gpuIndex))
                .map(Instance::id).findFirst()
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
