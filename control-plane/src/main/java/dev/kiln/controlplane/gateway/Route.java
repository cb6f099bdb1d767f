package dev.kiln.controlplane.gateway;

import java.util.List;
import java.util.UUID;

/** A deployment as the gateway sees it: whose it is, how long it may take, and where it is ready. */
public record Route(UUID deploymentId, UUID projectId, int timeoutMs, List<Target> ready) {
}
