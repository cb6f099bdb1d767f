package dev.kiln.protocol;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a node tells the control plane when it joins.
 *
 * @param nodeId     the id it had before, to rejoin as the same node (null on first join)
 * @param name       a human name, unique in the fleet (e.g. the host name)
 * @param address    base URL the gateway uses to reach the node, e.g. {@code http://127.0.0.1:8081}
 */
@Serdeable
public record NodeRegistration(@Nullable UUID nodeId, String name, String address, @Nullable String region,
                               Map<String, String> labels, int cpuCores, long memoryBytes, List<GpuInfo> gpus,
                               String version) {
}
