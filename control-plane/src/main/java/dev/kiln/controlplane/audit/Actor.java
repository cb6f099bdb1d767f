package dev.kiln.controlplane.audit;

import io.micronaut.core.annotation.Nullable;

import java.util.UUID;

/** Who did something: a user (id + email), or only a name when nobody is logged in (e.g. a failed login). */
public record Actor(@Nullable UUID userId, String name, @Nullable String remoteAddress) {

    public static Actor system() {
        return new Actor(null, "system", null);
    }
}
