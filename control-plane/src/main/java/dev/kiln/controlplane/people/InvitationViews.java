package dev.kiln.controlplane.people;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.UUID;

/** JSON shapes of invitations. Requests refuse unknown fields (a {@code password} on an invite is a 400). */
final class InvitationViews {

    private InvitationViews() {
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record Invite(@Nullable String email, @Nullable Role role) {
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record TokenRequest(@Nullable String token) {
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record Accept(@Nullable String token, @Nullable String password) {
    }

    @Serdeable
    record InvitationView(UUID id, UUID organizationId, String organizationName, String email, Role role,
                          Invitation.Status status, Instant expiresAt, Instant createdAt) {
    }

    /** The answer to an invite: the invitation and whether a mail carries its link ("email") or not ("none"). */
    @Serdeable
    record CreatedInvitation(UUID id, UUID organizationId, String organizationName, String email, Role role,
                             Invitation.Status status, Instant expiresAt, Instant createdAt, String delivery) {
    }

    @Serdeable
    record Preview(String organizationName, String email, Role role, Instant expiresAt, boolean accountExists) {
    }

    /** The membership an acceptance made. */
    @Serdeable
    record Joined(UUID organizationId, String organizationName, UUID userId, String email, Role role) {
    }
}
