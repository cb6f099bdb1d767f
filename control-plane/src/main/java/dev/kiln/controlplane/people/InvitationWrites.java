package dev.kiln.controlplane.people;

import dev.kiln.controlplane.audit.Actor;
import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.auth.PasswordRules;
import dev.kiln.controlplane.auth.Passwords;
import dev.kiln.controlplane.common.ConflictException;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.common.SqlErrors;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.common.UnauthorizedException;
import dev.kiln.controlplane.people.InvitationViews.Invite;
import dev.kiln.controlplane.people.InvitationViews.Joined;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.Membership;
import dev.kiln.controlplane.tenancy.MembershipKey;
import dev.kiln.controlplane.tenancy.MembershipRepository;
import dev.kiln.controlplane.tenancy.Organization;
import dev.kiln.controlplane.tenancy.OrganizationRepository;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The database side of invitations, one transaction per method; mail is sent by {@link InvitationService} after
 * the transaction that made the invitation has committed.
 */
@Singleton
class InvitationWrites {

    static final String NO_INVITATION = "No such invitation, or it has expired, been used or been revoked.";
    private static final int TOKEN_BYTES = 32;

    /** A new invitation and its token, which exists only here and in the mail. */
    record Made(Invitation invitation, Organization organization, String token) {
    }

    private final Access access;
    private final InvitationRepository invitations;
    private final OrganizationRepository organizations;
    private final MembershipRepository memberships;
    private final UserRepository users;
    private final AuditLog audit;
    private final InvitationConfig config;
    private final Clock clock;

    InvitationWrites(Access access, InvitationRepository invitations, OrganizationRepository organizations,
                     MembershipRepository memberships, UserRepository users, AuditLog audit,
                     InvitationConfig config, Clock clock) {
        this.access = access;
        this.invitations = invitations;
        this.organizations = organizations;
        this.memberships = memberships;
        this.users = users;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
    }

    /** Makes the invitation (an earlier pending one for the same address in the organization is revoked). */
    @Transactional
    Made create(Caller caller, UUID organizationId, Invite request) {
        Organization organization = access.organization(caller, organizationId, Role.ADMIN);
        organizations.lockById(organizationId);
        Role callerRole = access.role(caller, organizationId);
        if (!callerRole.atLeast(Role.ADMIN)) {
            throw new ForbiddenException("This needs the ADMIN role or higher; yours is " + callerRole + ".");
        }
        Problems problems = new Problems();
        String email = Emails.check(request.email(), problems);
        if (request.role() == null) {
            problems.add("role", "must be one of OWNER, ADMIN, MEMBER, VIEWER", "value_error.missing");
        }
        problems.throwIfAny("The invitation is not valid.");
        if (request.role() == Role.OWNER && callerRole != Role.OWNER) {
            throw new ForbiddenException("Only an OWNER can grant, change or remove the OWNER role.");
        }
        Optional<User> existing = users.findByEmailIgnoreCase(email);
        if (existing.isPresent()
                && memberships.findById(new MembershipKey(organizationId, existing.get().id())).isPresent()) {
            throw new ConflictException(existing.get().email() + " is already a member of this organization.");
        }
        Instant now = Times.now(clock);
        invitations.revokePending(organizationId, email, now);
        String token = Secrets.randomBase64Url(TOKEN_BYTES);
        Invitation invitation = invitations.save(new Invitation(UUID.randomUUID(), organizationId, email,
                request.role(), Secrets.sha256Hex(token), Invitation.Status.PENDING, caller.userId(),
                now.plus(config.ttl()), now, null));
        audit.record(caller.actor(), "invitation.create", target(invitation),
                Map.of("email", email, "role", request.role().name()));
        return new Made(invitation, organization, token);
    }

    /** Undoes an invitation whose mail could not be sent, so nothing half-made is left. */
    @Transactional
    void discard(Caller caller, Invitation invitation) {
        invitations.deleteById(invitation.id());
        audit.record(caller.actor(), "invitation.discard", target(invitation),
                Map.of("email", invitation.email(), "reason", "mail not sent"));
    }

    @Transactional
    void revoke(Caller caller, UUID organizationId, UUID invitationId) {
        access.organization(caller, organizationId, Role.ADMIN);
        Invitation invitation = invitations.findInOrganization(invitationId, organizationId)
                .filter(i -> i.status() == Invitation.Status.PENDING)
                .orElseThrow(() -> new NotFoundException("No pending invitation " + invitationId + "."));
        invitations.decide(invitation.id(), Invitation.Status.REVOKED.name(), Times.now(clock));
        audit.record(caller.actor(), "invitation.revoke", target(invitation), Map.of("email", invitation.email()));
    }

    /**
     * Accepts by token. For an address that already has an account only that account, signed in, may accept
     * (and sets no password); otherwise the invitee's chosen password creates the account.
     */
    @Transactional
    Joined acceptToken(@Nullable String token, @Nullable String password, @Nullable Caller caller) {
        Invitation invitation = lockOpen(byToken(token).map(Invitation::id)
                .orElseThrow(() -> new NotFoundException(NO_INVITATION)));
        Optional<User> account = users.findByEmailIgnoreCase(invitation.email());
        if (account.isPresent()) {
            if (caller == null) {
                throw new UnauthorizedException("An account exists for " + invitation.email()
                        + ": sign in as it and accept the invitation there.");
            }
            if (!caller.userId().equals(account.get().id())) {
                throw new ForbiddenException("This invitation is for another address.");
            }
            if (password != null) {
                new Problems().add("password", "must be left out: the account already has one", "value_error.extra")
                        .throwIfAny("The acceptance is not valid.");
            }
            return join(invitation, account.get(), false, caller.remoteAddress());
        }
        if (caller != null) {
            throw new ForbiddenException("This invitation is for another address.");
        }
        Problems problems = new Problems();
        PasswordRules.check("password", password, problems);
        problems.throwIfAny("The acceptance is not valid.");
        return join(invitation, createUser(invitation.email(), password), true, null);
    }

    @Transactional
    Joined acceptMine(Caller caller, UUID invitationId) {
        User user = self(caller);
        Invitation invitation = lockOpen(invitationId);
        if (!invitation.email().equalsIgnoreCase(user.email())) {
            throw new NotFoundException(NO_INVITATION);
        }
        return join(invitation, user, false, caller.remoteAddress());
    }

    @Transactional
    void declineMine(Caller caller, UUID invitationId) {
        User user = self(caller);
        Invitation invitation = lockOpen(invitationId);
        if (!invitation.email().equalsIgnoreCase(user.email())) {
            throw new NotFoundException(NO_INVITATION);
        }
        invitations.decide(invitation.id(), Invitation.Status.DECLINED.name(), Times.now(clock));
        audit.record(caller.actor(), "invitation.decline", target(invitation), Map.of("email", user.email()));
    }

    Optional<Invitation> byToken(@Nullable String token) {
        Instant now = Times.now(clock);
        return Optional.ofNullable(token).filter(t -> !t.isBlank())
                .flatMap(t -> invitations.findByTokenHash(Secrets.sha256Hex(t)))
                .filter(i -> i.open(now));
    }

    User self(Caller caller) {
        return users.findById(caller.userId()).orElseThrow(() -> new UnauthorizedException("No such user."));
    }

    private Invitation lockOpen(UUID invitationId) {
        Instant now = Times.now(clock);
        return invitations.lockById(invitationId).filter(i -> i.open(now))
                .orElseThrow(() -> new NotFoundException(NO_INVITATION));
    }

    private Joined join(Invitation invitation, User user, boolean newUser, @Nullable String remoteAddress) {
        Organization organization = organizations.lockById(invitation.organizationId())
                .orElseThrow(() -> new NotFoundException(NO_INVITATION));
        MembershipKey key = new MembershipKey(organization.id(), user.id());
        if (memberships.findById(key).isPresent()) {
            throw new ConflictException(user.email() + " is already a member of this organization.");
        }
        Instant now = Times.now(clock);
        memberships.save(new Membership(key, invitation.role(), now));
        invitations.decide(invitation.id(), Invitation.Status.ACCEPTED.name(), now);
        audit.record(new Actor(user.id(), user.email(), remoteAddress), "invitation.accept", target(invitation),
                Map.of("email", user.email(), "role", invitation.role().name(), "newUser", newUser));
        return new Joined(organization.id(), organization.name(), user.id(), user.email(), invitation.role());
    }

    private User createUser(String email, String password) {
        try {
            return users.save(User.create(UUID.randomUUID(), email, null, Passwords.hash(password), false, false,
                    Times.now(clock)));
        } catch (DataAccessException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new ConflictException("An account for " + email + " was created at the same time; sign in "
                        + "as it and accept the invitation there.");
            }
            throw e;
        }
    }

    private static AuditLog.Target target(Invitation invitation) {
        return new AuditLog.Target(invitation.organizationId(), null, "invitation", invitation.id().toString());
    }
}
