package dev.kiln.controlplane.people;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/** @param ttl how long an invitation can be accepted (kiln.invitations.ttl) */
@ConfigurationProperties("kiln.invitations")
record InvitationConfig(@Bindable(defaultValue = "7d") Duration ttl) {
}
