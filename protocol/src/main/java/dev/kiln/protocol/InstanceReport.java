package dev.kiln.protocol;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.UUID;

/**
 * A node's observed state of one instance it was assigned.
 *
 * @param effectiveMaxQueue the queue bound the node applies (the deployment's {@code maxQueue}, or less where memory
 *                          does not allow it); absent from nodes that do not report it
 * @param maxQueueClampedBy {@code heap} or {@code directMemory} when that made the bound shorter
 */
@Serdeable
public record InstanceReport(UUID instanceId, InstanceStatus status, @Nullable String error, int inFlight,
                             @Nullable Integer effectiveMaxQueue, @Nullable String maxQueueClampedBy) {

    public InstanceReport(UUID instanceId, InstanceStatus status, @Nullable String error, int inFlight) {
        this(instanceId, status, error, inFlight, null, null);
    }
}
