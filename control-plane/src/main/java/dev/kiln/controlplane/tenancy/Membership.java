package dev.kiln.controlplane.tenancy;

import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

@MappedEntity("memberships")
public record Membership(@EmbeddedId MembershipKey id, Role role, Instant createdAt) {
}
