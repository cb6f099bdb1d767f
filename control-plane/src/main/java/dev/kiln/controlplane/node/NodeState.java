package dev.kiln.controlplane.node;

/** nodes.state: only READY nodes with a fresh heartbeat receive new instances. */
public enum NodeState {
    READY, CORDONED, DRAINING, LOST
}
