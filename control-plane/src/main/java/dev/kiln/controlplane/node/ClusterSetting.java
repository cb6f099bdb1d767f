package dev.kiln.controlplane.node;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** A row of cluster_settings: a value generated once and shared by every replica. */
@MappedEntity("cluster_settings")
public record ClusterSetting(@Id String name, String value, Instant createdAt) {
}
