package dev.kiln.controlplane.people;

import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.UUID;

/** An offer to join an organization with a role; only the SHA-256 of its token is kept. */
@MappedEntity("invitations")
record Invitation(@Id UUID id, UUID organizationId, String email, Role role, String tokenHash, Status status,
                  @Nullable UUID invitedBy, Instant expiresAt, Instant createdAt, @Nullable Instant decidedAt) {

    enum Status { PENDING, ACCEPTED, DECLINED, REVOKED }

    /** Pending and not yet expired: the only state in which it can be previewed or accepted. */
    boolean open(Instant now) {
        return status == Status.PENDING && expiresAt.isAfter(now);
    }
}
