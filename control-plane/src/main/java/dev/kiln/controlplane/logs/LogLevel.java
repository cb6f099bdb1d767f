package dev.kiln.controlplane.logs;

/** Severity of a deployment log line. */
public enum LogLevel {
    INFO, WARN, ERROR
}
