package dev.kiln.controlplane.node;

import dev.kiln.protocol.GpuInfo;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;

import java.util.UUID;

/** A row of node_gpus: one GPU of a node as last reported. */
@MappedEntity("node_gpus")
public record NodeGpu(@EmbeddedId NodeGpuKey id, String name, long memoryBytes, @Nullable String uuid) {

    static NodeGpu of(UUID nodeId, GpuInfo gpu) {
        return new NodeGpu(new NodeGpuKey(nodeId, gpu.index()), gpu.name(), gpu.memoryBytes(), gpu.uuid());
    }

    public GpuInfo info() {
        return new GpuInfo(id.gpuIndex(), name, memoryBytes, uuid);
    }
}
