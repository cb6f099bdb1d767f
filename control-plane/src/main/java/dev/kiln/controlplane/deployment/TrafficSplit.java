package dev.kiln.controlplane.deployment;

import io.micronaut.serde.annotation.Serdeable;

import java.util.UUID;

/**
 * One entry of a deployment's traffic list (DESIGN §7): the percent of requests a model version answers, or, for
 * the shadow entry, the percent of requests copied to it (its answers are discarded).
 */
@Serdeable
public record TrafficSplit(UUID modelVersionId, int weight, boolean shadow) {
}
