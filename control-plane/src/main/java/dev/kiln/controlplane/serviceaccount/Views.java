package dev.kiln.controlplane.serviceaccount;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.UUID;

/** JSON shapes of service accounts and their tokens. Requests refuse unknown fields; no view holds a token hash. */
final class Views {

    private Views() {
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record CreateAccount(@Nullable String name, @Nullable Role role) {
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record CreateToken(@Nullable String name, @Nullable Instant expiresAt) {
    }

    @Serdeable
    record AccountView(UUID id, UUID organizationId, String name, Role role, Instant createdAt) {

        static AccountView of(ServiceAccount a) {
            return new AccountView(a.id(), a.organizationId(), a.name(), a.role(), a.createdAt());
        }
    }

    /** The answer to a token creation: the only time {@code token} is shown. */
    @Serdeable
    record CreatedToken(UUID id, String name, String prefix, String token, @Nullable Instant expiresAt,
                        Instant createdAt) {
    }

    @Serdeable
    record TokenView(UUID id, String name, String prefix, @Nullable Instant expiresAt, Instant createdAt,
                     @Nullable Instant lastUsedAt) {

        static TokenView of(ServiceAccountToken t) {
            return new TokenView(t.id(), t.name(), t.prefix(), t.expiresAt(), t.createdAt(), t.lastUsedAt());
        }
    }
}
