package dev.kiln.protocol;

import io.micronaut.serde.annotation.Serdeable;

/** One GPU's utilization and memory in use, as the driver reports it. */
@Serdeable
public record GpuUsage(int index, double utilPercent, long memoryUsedBytes) {
}
