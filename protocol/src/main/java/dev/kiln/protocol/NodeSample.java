package dev.kiln.protocol;

import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;

/**
 * A node's process and GPU usage over one stats window (aligned like {@link StatsWindow}); GPUs are empty
 * where the node has none.
 */
@Serdeable
public record NodeSample(Instant start, int seconds, double cpuPercent, long memoryBytes, List<GpuUsage> gpus) {
}
