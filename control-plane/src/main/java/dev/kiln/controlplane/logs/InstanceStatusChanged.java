package dev.kiln.controlplane.logs;

import dev.kiln.protocol.InstanceStatus;
import io.micronaut.core.annotation.Nullable;

import java.util.UUID;

/**
 * Published where a node's report changes an instance's status, inside that transaction, so the deployment log
 * gets its LOAD or FAILURE line together with the change.
 */
public record InstanceStatusChanged(UUID deploymentId, UUID instanceId, @Nullable UUID nodeId, InstanceStatus status,
                                    @Nullable String error) {
}
