package dev.kiln.node.runtime;

/** A finished run: the reader's result and where the time went. */
public record InferenceOutcome<T>(T value, double queueMs, double inferenceMs, double postprocessMs) {
}
