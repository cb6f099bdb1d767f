package dev.kiln.node.agent;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.UUID;

/**
 * What {@code credentials.json} holds: the node's own credential, and only the SHA-256 (hex) of the gateway token,
 * never the token itself, so the file alone does not let anyone call this node.
 */
@Serdeable
record SavedCredentials(UUID nodeId, String nodeSecret, @Nullable String gatewayTokenSha256,
                        long heartbeatIntervalMs) {
}
