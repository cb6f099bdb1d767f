package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.auth.Passwords;
import dev.kiln.controlplane.common.ConflictException;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.common.SqlErrors;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.tenancy.Views.AddMember;
import dev.kiln.controlplane.tenancy.Views.ChangeMember;
import dev.kiln.controlplane.tenancy.Views.MemberView;
import io.micronaut.data.exceptions.DataAccessException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Members of an organization (DESIGN §8). Any member sees the list; ADMIN and OWNER add, change and remove
 * members, but only an OWNER makes, unmakes or removes an OWNER (an admin must not be able to take over the
 * organization), and the last OWNER can be neither demoted nor removed (409), so an organization is never
 * left without someone who can manage it. Each write locks the organization row first, so concurrent changes
 * are judged one after the other.
 */
@Singleton
class MemberService {

    private static final int MIN_PASSWORD = 8;
    private static final int MAX_PASSWORD = 200;
    private static final int MAX_EMAIL = 254;

    private final Access access;
    private final OrganizationRepository organizations;
    private final MembershipRepository memberships;
    private final UserRepository users;
    private final AuditLog audit;
    private final Clock clock;

    MemberService(Access access, OrganizationRepository organizations, MembershipRepository memberships,
                  UserRepository users, AuditLog audit, Clock clock) {
        this.access = access;
        this.organizations = organizations;
        this.memberships = memberships;
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    List<MemberView> list(Caller caller, UUID organizationId) {
        access.organization(caller, organizationId, Role.VIEWER);
        List<Membership> members = memberships.findByOrganization(organizationId);
        Map<UUID, User> byId = users.findMembersOf(organizationId).stream()
                .collect(Collectors.toMap(User::id, Function.identity()));
        return members.stream().filter(m -> byId.containsKey(m.id().userId()))
                .map(m -> view(m, byId.get(m.id().userId()))).toList();
    }

    /** Links an existing user (matched by email, case-insensitively) or creates one with the given password. */
    @Transactional
    MemberView add(Caller caller, UUID organizationId, AddMember request) {
        Role callerRole = lockAndRequireAdmin(caller, organizationId);
        Problems problems = new Problems();
        String email = request.email() == null ? "" : request.email().trim();
        if (email.isEmpty() || email.length() > MAX_EMAIL || email.indexOf('@') < 1
                || email.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            problems.add("email", "must be an email address", "value_error.email");
        }
        if (request.role() == null) {
            problems.add("role", "must be one of OWNER, ADMIN, MEMBER, VIEWER", "value_error.missing");
        }
        Optional<User> existing = problems.isEmpty() ? users.findByEmailIgnoreCase(email) : Optional.empty();
        String password = request.password();
        if (existing.isEmpty() && problems.isEmpty()
                && (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD)) {
            problems.add("password", "a new user needs a password of " + MIN_PASSWORD + " to " + MAX_PASSWORD
                    + " characters", "value_error.password");
        }
        problems.throwIfAny("The member is not valid.");
        requireOwnerFor(callerRole, request.role());
        Instant now = Times.now(clock);
        User user = existing.orElseGet(() -> createUser(email, password, now));
        if (memberships.findById(new MembershipKey(organizationId, user.id())).isPresent()) {
            throw new ConflictException(user.email() + " is already a member of this organization.");
        }
        Membership membership = memberships.save(new Membership(new MembershipKey(organizationId, user.id()),
                request.role(), now));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("email", user.email());
        detail.put("role", request.role().name());
        detail.put("newUser", existing.isEmpty());
        audit.record(caller.actor(), "member.add", target(organizationId, user.id()), detail);
        return view(membership, user);
    }

    @Transactional
    MemberView changeRole(Caller caller, UUID organizationId, UUID userId, ChangeMember request) {
        Role callerRole = lockAndRequireAdmin(caller, organizationId);
        if (request.role() == null) {
            new Problems().add("role", "must be one of OWNER, ADMIN, MEMBER, VIEWER", "value_error.missing")
                    .throwIfAny("The change is not valid.");
        }
        Membership current = member(organizationId, userId);
        requireOwnerFor(callerRole, current.role());
        requireOwnerFor(callerRole, request.role());
        if (current.role() == Role.OWNER && request.role() != Role.OWNER) {
            requireAnotherOwner(organizationId);
        }
        memberships.updateRole(organizationId, userId, request.role().name());
        User user = users.findById(userId).orElseThrow(() -> new NotFoundException("No member " + userId + "."));
        if (current.role() != request.role()) {
            audit.record(caller.actor(), "member.role_change", target(organizationId, userId),
                    Map.of("email", user.email(), "from", current.role().name(), "to", request.role().name()));
        }
        return view(new Membership(current.id(), request.role(), current.createdAt()), user);
    }

    @Transactional
    void remove(Caller caller, UUID organizationId, UUID userId) {
        Role callerRole = lockAndRequireAdmin(caller, organizationId);
        Membership current = member(organizationId, userId);
        requireOwnerFor(callerRole, current.role());
        if (current.role() == Role.OWNER) {
            requireAnotherOwner(organizationId);
        }
        memberships.remove(organizationId, userId);
        String email = users.findById(userId).map(User::email).orElse("");
        audit.record(caller.actor(), "member.remove", target(organizationId, userId),
                Map.of("email", email, "role", current.role().name()));
    }

    private Role lockAndRequireAdmin(Caller caller, UUID organizationId) {
        access.organization(caller, organizationId, Role.ADMIN);
        organizations.lockById(organizationId);
        // Re-read under the lock: the caller's own role may have changed while we waited for it.
        Role role = access.role(caller, organizationId);
        if (!role.atLeast(Role.ADMIN)) {
            throw new ForbiddenException("This needs the ADMIN role or higher; yours is " + role + ".");
        }
        return role;
    }

    private Membership member(UUID organizationId, UUID userId) {
        return memberships.findById(new MembershipKey(organizationId, userId))
                .orElseThrow(() -> new NotFoundException("No member " + userId + " in this organization."));
    }

    private static void requireOwnerFor(Role callerRole, Role role) {
        if (role == Role.OWNER && callerRole != Role.OWNER) {
            throw new ForbiddenException("Only an OWNER can grant, change or remove the OWNER role.");
        }
    }

    private void requireAnotherOwner(UUID organizationId) {
        if (memberships.countOwners(organizationId) <= 1) {
            throw new ConflictException("This is the organization's last OWNER; make someone else OWNER first.");
        }
    }

    private User createUser(String email, String password, Instant now) {
        try {
            return users.save(new User(UUID.randomUUID(), email, null, Passwords.hash(password), false, now));
        } catch (DataAccessException e) {
            // Someone created the same email since we looked; the caller can simply retry to link it.
            if (SqlErrors.isUniqueViolation(e)) {
                throw new ConflictException("A user with this email was created at the same time; try again.");
            }
            throw e;
        }
    }

    private static MemberView view(Membership m, User u) {
        return new MemberView(u.id(), m.id().organizationId(), u.email(), u.displayName(), m.role(), m.createdAt());
    }

    private static AuditLog.Target target(UUID organizationId, UUID userId) {
        return new AuditLog.Target(organizationId, null, "user", userId.toString());
    }
}
