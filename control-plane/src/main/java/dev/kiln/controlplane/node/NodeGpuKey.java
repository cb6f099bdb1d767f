package dev.kiln.controlplane.node;

import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.MappedProperty;

import java.util.UUID;

@Embeddable
public record NodeGpuKey(@MappedProperty("node_id") UUID nodeId, @MappedProperty("gpu_index") int gpuIndex) {
}
