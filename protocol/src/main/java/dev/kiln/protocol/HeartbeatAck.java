package dev.kiln.protocol;

import io.micronaut.serde.annotation.Serdeable;

/** The control plane's answer to a heartbeat; {@code assignmentsVersion} tells the node whether to re-pull. */
@Serdeable
public record HeartbeatAck(long assignmentsVersion) {
}
