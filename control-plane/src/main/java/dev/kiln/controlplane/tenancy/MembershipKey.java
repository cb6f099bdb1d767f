package dev.kiln.controlplane.tenancy;

import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.MappedProperty;

import java.util.UUID;

@Embeddable
public record MembershipKey(@MappedProperty("organization_id") UUID organizationId,
                            @MappedProperty("user_id") UUID userId) {
}
