package dev.kiln.controlplane.model;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/** @param chunkSize bytes per artifact_chunks row: big enough to keep row counts low, small enough to stream */
@ConfigurationProperties("kiln.artifacts")
public record ArtifactConfig(@Bindable(defaultValue = "1048576") int chunkSize) {
}
