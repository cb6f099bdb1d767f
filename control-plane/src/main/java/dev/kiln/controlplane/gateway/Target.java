package dev.kiln.controlplane.gateway;

import java.util.UUID;

/** A READY instance the gateway may send predictions to, with what it takes to reach and authenticate. */
public record Target(UUID instanceId, UUID nodeId, String address, String gatewayToken) {
}
