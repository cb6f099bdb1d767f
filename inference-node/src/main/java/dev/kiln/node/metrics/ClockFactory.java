package dev.kiln.node.metrics;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The wall clock stats windows are aligned to; tests register their own, which wins over this one. */
@Factory
final class ClockFactory {

    @Singleton
    @Secondary
    Clock clock() {
        return Clock.systemUTC();
    }
}
