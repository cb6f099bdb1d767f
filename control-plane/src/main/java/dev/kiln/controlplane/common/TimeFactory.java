package dev.kiln.controlplane.common;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Every component reads time from this bean, so tests can reason about time without sleeping. */
@Factory
public class TimeFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
