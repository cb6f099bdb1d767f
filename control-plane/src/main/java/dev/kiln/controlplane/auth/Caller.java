package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.audit.Actor;
import io.micronaut.core.annotation.Nullable;

import java.util.UUID;

/**
 * The authenticated person behind a management API request; controllers take it as an argument
 * (see {@link CallerBinder}) and pass it to services, which decide access with it.
 */
public record Caller(UUID userId, String email, @Nullable String remoteAddress) {

    public Actor actor() {
        return new Actor(userId, email, remoteAddress);
    }
}
