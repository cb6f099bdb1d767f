package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.auth.ServiceAccountScope;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.common.NotFoundException;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.UUID;

/**
 * The one tenancy check: every resource is reached through its project, and the caller's membership in the
 * project's organization decides. Not a member (or no such resource) is the same 404, so ids of other tenants
 * leak nothing; a member whose role is too weak gets 403.
 *
 * <p>Roles: any member may read; MEMBER and up manage models and deployments; ADMIN and OWNER also manage
 * projects, keys and members, and read the audit trail.
 */
@Singleton
public class Access {

    private final ProjectRepository projects;
    private final OrganizationRepository organizations;
    private final MembershipRepository memberships;

    Access(ProjectRepository projects, OrganizationRepository organizations, MembershipRepository memberships) {
        this.projects = projects;
        this.organizations = organizations;
        this.memberships = memberships;
    }

    /** The project if the caller's role in its organization is at least {@code minimum}. */
    public Project project(Caller caller, UUID projectId, Role minimum) {
        Project project = projects.findById(projectId)
                .orElseThrow(() -> new NotFoundException("No project " + projectId + "."));
        require(caller, project.organizationId(), minimum, () -> new NotFoundException("No project " + projectId + "."));
        return project;
    }

    /** The organization if the caller's role in it is at least {@code minimum}. */
    public Organization organization(Caller caller, UUID organizationId, Role minimum) {
        Organization organization = organizations.findById(organizationId)
                .orElseThrow(() -> new NotFoundException("No organization " + organizationId + "."));
        require(caller, organizationId, minimum, () -> new NotFoundException("No organization " + organizationId + "."));
        return organization;
    }

    /**
     * The caller's role in the organization (already checked to be at least VIEWER by one of the methods above).
     * Read from the database on every request, like every check here, so a removed member loses access at once
     * even though their access token is still valid.
     */
    public Role role(Caller caller, UUID organizationId) {
        return roleIn(caller, organizationId)
                .orElseThrow(() -> new NotFoundException("No organization " + organizationId + "."));
    }

    /** A service account has its one role in its one organization and none elsewhere; a person, their membership. */
    private Optional<Role> roleIn(Caller caller, UUID organizationId) {
        ServiceAccountScope account = caller.serviceAccount();
        if (account != null) {
            return account.organizationId().equals(organizationId) ? Optional.of(account.role()) : Optional.empty();
        }
        return memberships.findById(new MembershipKey(organizationId, caller.userId())).map(Membership::role);
    }

    private void require(Caller caller, UUID organizationId, Role minimum,
                         java.util.function.Supplier<NotFoundException> hidden) {
        Role role = roleIn(caller, organizationId).orElseThrow(hidden);
        if (!role.atLeast(minimum)) {
            throw new ForbiddenException("This needs the " + minimum + " role or higher; yours is " + role + ".");
        }
    }
}
