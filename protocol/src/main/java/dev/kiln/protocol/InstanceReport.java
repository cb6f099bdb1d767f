package dev.kiln.protocol;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.UUID;

/** A node's observed state of one instance it was assigned. */
@Serdeable
public record InstanceReport(UUID instanceId, InstanceStatus status, @Nullable String error, int inFlight) {
}
