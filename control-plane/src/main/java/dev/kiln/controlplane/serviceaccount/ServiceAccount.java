package dev.kiln.controlplane.serviceaccount;

import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.UUID;

/** A robot member of one organization with a role below OWNER; it signs in only with its tokens. */
@MappedEntity("service_accounts")
record ServiceAccount(@Id UUID id, UUID organizationId, String name, Role role, @Nullable UUID createdBy,
                      Instant createdAt) {
}
