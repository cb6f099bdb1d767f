package dev.kiln.protocol;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** One GPU of a node as the driver (or a configuration override) reports it. */
@Serdeable
public record GpuInfo(int index, String name, long memoryBytes, @Nullable String uuid) {
}
