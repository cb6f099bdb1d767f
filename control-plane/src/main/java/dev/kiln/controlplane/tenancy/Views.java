package dev.kiln.controlplane.tenancy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** JSON shapes of the tenancy endpoints. */
final class Views {

    private Views() {
    }

    @Serdeable
    record OrganizationView(UUID id, String name, Role role, Instant createdAt) {
    }

    @Serdeable
    record ProjectView(UUID id, UUID organizationId, String name, @Nullable Integer defaultRateLimitPerSecond,
                       Instant createdAt, List<String> allowedOrigins) {
        static ProjectView of(Project p, List<String> allowedOrigins) {
            return new ProjectView(p.id(), p.organizationId(), p.name(), p.defaultRateLimitPerSecond(), p.createdAt(),
                    allowedOrigins);
        }
    }

    @Serdeable
    record MembershipView(UUID organizationId, String organizationName, Role role) {
    }

    @Serdeable
    record MeView(UUID id, String email, @Nullable String displayName, boolean operator, boolean mustChangePassword,
                  List<MembershipView> memberships) {
    }

    @Serdeable
    record CreateOrganization(@Nullable String name) {
    }

    /** Project create and change; on change a null field means "leave as is". */
    @Serdeable
    /** @param allowedOrigins browser origins whose pages may call the project's deployments (CORS); null: unchanged */
    record ProjectRequest(@Nullable String name, @Nullable Integer defaultRateLimitPerSecond,
                          @Nullable List<String> allowedOrigins) {
    }

    @Serdeable
    record ChangeMember(@Nullable Role role) {
    }

    @Serdeable
    record MemberView(UUID userId, UUID organizationId, String email, @Nullable String displayName, Role role,
                      Instant createdAt) {
    }
}
