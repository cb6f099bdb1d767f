package dev.kiln.protocol;

import io.micronaut.serde.annotation.Serdeable;

import java.util.UUID;

/**
 * Issued at registration. {@code nodeSecret} authenticates the node to the control plane (only its
 * hash is stored there); {@code gatewayToken} is what the gateway presents to the node: random, new at every
 * registration, sent only here (the node keeps its hash, the control plane keeps it sealed).
 */
@Serdeable
public record NodeCredentials(UUID nodeId, String nodeSecret, String gatewayToken, long heartbeatIntervalMs) {
}
