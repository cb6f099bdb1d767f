package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.audit.Actor;
import io.micronaut.core.annotation.Nullable;

import java.util.UUID;

/**
 * The authenticated person or service account behind a management API request; controllers take it as an
 * argument (see {@link CallerBinder}) and pass it to services, which decide access with it. For a service account
 * {@code userId} is the account's id, which is no user: {@link #personId()} is what may be stored as a creator.
 */
public record Caller(UUID userId, String email, @Nullable String remoteAddress,
                     @Nullable ServiceAccountScope serviceAccount) {

    public Caller(UUID userId, String email, @Nullable String remoteAddress) {
        this(userId, email, remoteAddress, null);
    }

    static Caller of(ServiceAccountScope scope, @Nullable String remoteAddress) {
        return new Caller(scope.accountId(), "service account " + scope.name(), remoteAddress, scope);
    }

    /** The user behind the request, null for a service account (columns like created_by reference users). */
    public @Nullable UUID personId() {
        return serviceAccount == null ? userId : null;
    }

    public Actor actor() {
        return new Actor(userId, email, remoteAddress);
    }
}
