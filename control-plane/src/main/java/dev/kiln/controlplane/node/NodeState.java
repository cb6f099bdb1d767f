package dev.kiln.controlplane.node;

/**
 * nodes.state: only READY nodes with a fresh heartbeat receive new instances. CORDONED nodes keep what they run;
 * DRAINING nodes keep serving it until replacements elsewhere are READY (see the scheduler's Planner).
 */
public enum NodeState {
    READY, CORDONED, DRAINING, LOST
}
