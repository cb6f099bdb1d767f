package dev.kiln.protocol;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * Pushed by a node every heartbeat interval: observed instances and resources, and the closed stats windows
 * and samples it has not yet delivered (it keeps them, bounded, until a heartbeat is acknowledged).
 */
@Serdeable
public record Heartbeat(List<InstanceReport> instances, List<GpuInfo> gpus, double cpuPercent, long memoryBytes,
                        List<StatsWindow> windows, List<NodeSample> samples) {

    public Heartbeat {
        windows = windows == null ? List.of() : windows;
        samples = samples == null ? List.of() : samples;
    }
}
