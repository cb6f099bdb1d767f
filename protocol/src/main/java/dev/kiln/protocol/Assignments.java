package dev.kiln.protocol;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** The desired state of one node: every instance it should run. Versioned so nodes can long-poll for changes. */
@Serdeable
public record Assignments(long version, List<Assignment> instances) {
}
