package dev.kiln.controlplane.scheduler;

import dev.kiln.protocol.GpuInfo;
import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.UUID;

/** A node that may receive new instances now (READY, heartbeat fresh), as placement sees it. */
public record NodeSlot(UUID id, String name, @Nullable String region, List<GpuInfo> gpus) {
}
