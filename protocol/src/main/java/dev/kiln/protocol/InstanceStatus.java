package dev.kiln.protocol;

/** DESIGN §7 instance states. Nodes report LOADING, READY, FAILED; the control plane sets the rest. */
public enum InstanceStatus {
    SCHEDULED, LOADING, READY, DRAINING, FAILED, LOST
}
