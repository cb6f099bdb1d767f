package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.security.authentication.Authentication;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a service-account token may do: act with {@code role} in the one organization {@code organizationId}.
 * Carried through micronaut-security as the attributes of the request's {@link Authentication}.
 */
public record ServiceAccountScope(UUID accountId, UUID organizationId, String name, Role role) {

    private static final String KIND = "kind";
    private static final String SERVICE_ACCOUNT = "service-account";
    private static final String ORGANIZATION = "organizationId";
    private static final String NAME = "name";
    private static final String ROLE = "role";

    /** The authentication a valid token yields: the account's id as the name, the scope as attributes. */
    public Authentication authentication() {
        return Authentication.build(accountId.toString(), List.of(), Map.of(KIND, SERVICE_ACCOUNT,
                ORGANIZATION, organizationId.toString(), NAME, name, ROLE, role.name()));
    }

    /** The scope of a service-account authentication; empty for a person's. */
    static Optional<ServiceAccountScope> of(Authentication authentication) {
        Map<String, Object> attributes = authentication.getAttributes();
        if (!SERVICE_ACCOUNT.equals(attributes.get(KIND))) {
            return Optional.empty();
        }
        return Optional.of(new ServiceAccountScope(UUID.fromString(authentication.getName()),
                UUID.fromString(attributes.get(ORGANIZATION).toString()), attributes.get(NAME).toString(),
                Role.valueOf(attributes.get(ROLE).toString())));
    }
}
