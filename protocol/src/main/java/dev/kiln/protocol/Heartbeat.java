package dev.kiln.protocol;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** Pushed by a node every heartbeat interval: observed instances and resources. */
@Serdeable
public record Heartbeat(List<InstanceReport> instances, List<GpuInfo> gpus, double cpuPercent, long memoryBytes) {
}
