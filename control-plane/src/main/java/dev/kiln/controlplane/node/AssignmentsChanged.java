package dev.kiln.controlplane.node;

import java.util.Set;
import java.util.UUID;

/** Published after a commit that bumped these nodes' assignments versions: wakes their long-polls at once. */
public record AssignmentsChanged(Set<UUID> nodeIds) {
}
