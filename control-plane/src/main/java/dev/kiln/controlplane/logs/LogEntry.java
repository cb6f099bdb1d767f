package dev.kiln.controlplane.logs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.UUID;

/** One deployment log line as the API shows it. */
@Serdeable
record LogEntry(long id, UUID deploymentId, Instant at, LogLevel level, LogKind kind, String message,
                @Nullable UUID instanceId, @Nullable UUID nodeId) {
}
