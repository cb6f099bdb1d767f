package dev.kiln.controlplane.keys;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/** @param resyncInterval how often the in-memory key table is re-read from Postgres (other replicas' changes) */
@ConfigurationProperties("kiln.keys")
public record KeysConfig(@Bindable(defaultValue = "5s") Duration resyncInterval) {
}
