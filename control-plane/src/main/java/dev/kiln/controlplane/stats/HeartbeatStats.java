package dev.kiln.controlplane.stats;

import dev.kiln.protocol.NodeSample;
import dev.kiln.protocol.StatsWindow;

import java.util.List;
import java.util.UUID;

/**
 * Published by the heartbeat handler with what a node delivered; stored synchronously, so a heartbeat is only
 * acknowledged (and the node only forgets the windows) once they are in the database.
 */
public record HeartbeatStats(UUID nodeId, List<StatsWindow> windows, List<NodeSample> samples) {
}
