package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ConflictException;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.tenancy.Views.ChangeMember;
import dev.kiln.controlplane.tenancy.Views.MemberView;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Members of an organization (DESIGN §8). Any member sees the list; ADMIN and OWNER change and remove members
 * (people join only by accepting an invitation, see the people package), but only an OWNER makes, unmakes or removes an OWNER (an admin must not be able to take over the
 * organization), and the last OWNER can be neither demoted nor removed (409), so an organization is never
 * left without someone who can manage it. Each write locks the organization row first, so concurrent changes
 * are judged one after the other.
 */
@Singleton
class MemberService {

    private final Access access;
    private final OrganizationRepository organizations;
    private final MembershipRepository memberships;
    private final UserRepository users;
    private final AuditLog audit;

    MemberService(Access access, OrganizationRepository organizations, MembershipRepository memberships,
                  UserRepository users, AuditLog audit) {
        this.access = access;
        this.organizations = organizations;
        this.memberships = memberships;
        this.users = users;
        this.audit = audit;
    }

    List<MemberView> list(Caller caller, UUID organizationId) {
        access.organization(caller, organizationId, Role.VIEWER);
        List<Membership> members = memberships.findByOrganization(organizationId);
        Map<UUID, User> byId = users.findMembersOf(organizationId).stream()
                .collect(Collectors.toMap(User::id, Function.identity()));
        return members.stream().filter(m -> byId.containsKey(m.id().userId()))
                .map(m -> view(m, byId.get(m.id().userId()))).toList();
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

    private static MemberView view(Membership m, User u) {
        return new MemberView(u.id(), m.id().organizationId(), u.email(), u.displayName(), m.role(), m.createdAt());
    }

    private static AuditLog.Target target(UUID organizationId, UUID userId) {
        return new AuditLog.Target(organizationId, null, "user", userId.toString());
    }
}
