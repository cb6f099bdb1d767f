package dev.kiln.controlplane.logs;

/** What a deployment log line is about (the dashboard filters on it). */
public enum LogKind {
    LOAD, FAILURE, REJECTED, ROLLOUT, SCALE, STATUS
}
