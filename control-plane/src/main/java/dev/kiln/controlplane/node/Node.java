package dev.kiln.controlplane.node;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.sql.ColumnTransformer;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of nodes. {@code labels} is the JSON text of a string map (jsonb); {@code assignmentsVersion} grows
 * with every change to the node's desired instances, so long-polls can tell "changed since". {@code cordon} is
 * the operator's decision (CORDONED or DRAINING, null for none); {@code state} is LOST while the node is silent,
 * else the cordon, else READY. {@code gatewayTokenSealed} is the gateway's token for the node, sealed by
 * {@link GatewayTokens} (null for a node from before sealed tokens: it must register again).
 */
@MappedEntity("nodes")
public record Node(@Id UUID id, String name, String address, String secretHash, NodeState state,
                   @Nullable String region, @ColumnTransformer(write = "?::jsonb") String labels, int cpuCores,
                   long memoryBytes, @Nullable String version, @Nullable Double cpuPercent,
                   @Nullable Long usedMemoryBytes, Instant registeredAt, Instant lastHeartbeatAt,
                   long assignmentsVersion, @Nullable NodeState cordon,
                   @Nullable String gatewayTokenSealed) {

    /** The state a node has while it is heard from: its cordon, if any, else READY. */
    public NodeState liveState() {
        return cordon == null ? NodeState.READY : cordon;
    }
}
