package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.tenancy.Views.MeView;
import dev.kiln.controlplane.tenancy.Views.MembershipView;
import dev.kiln.controlplane.tenancy.Views.OrganizationView;
import dev.kiln.controlplane.tenancy.Views.ProjectView;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Read side of organizations and projects, always through the caller's memberships. */
@Singleton
class TenancyService {

    private final Access access;
    private final ProjectOrigins origins;
    private final OrganizationRepository organizations;
    private final ProjectRepository projects;
    private final MembershipRepository memberships;
    private final UserRepository users;

    TenancyService(Access access, OrganizationRepository organizations, ProjectRepository projects,
                   MembershipRepository memberships, UserRepository users, ProjectOrigins origins) {
        this.origins = origins;
        this.access = access;
        this.organizations = organizations;
        this.projects = projects;
        this.memberships = memberships;
        this.users = users;
    }

    List<OrganizationView> organizations(Caller caller) {
        Map<UUID, Role> roles = roles(caller);
        List<Organization> visible = caller.serviceAccount() == null ? organizations.findVisibleTo(caller.userId())
                : organizations.findById(caller.serviceAccount().organizationId()).stream().toList();
        return visible.stream()
                .map(o -> new OrganizationView(o.id(), o.name(), roles.get(o.id()), o.createdAt()))
                .toList();
    }

    OrganizationView organization(Caller caller, UUID organizationId) {
        Organization o = access.organization(caller, organizationId, Role.VIEWER);
        return new OrganizationView(o.id(), o.name(), roles(caller).get(o.id()), o.createdAt());
    }

    List<ProjectView> projects(Caller caller, UUID organizationId) {
        access.organization(caller, organizationId, Role.VIEWER);
        List<Project> found = projects.findByOrganizationIdOrderByCreatedAt(organizationId);
        Map<UUID, List<String>> allowed = origins.of(found.stream().map(Project::id).toList());
        return found.stream().map(p -> ProjectView.of(p, allowed.getOrDefault(p.id(), List.of()))).toList();
    }

    ProjectView project(Caller caller, UUID projectId) {
        Project project = access.project(caller, projectId, Role.VIEWER);
        return ProjectView.of(project, origins.of(List.of(projectId)).getOrDefault(projectId, List.of()));
    }

    MeView me(Caller caller) {
        User user = users.findById(caller.userId()).orElseThrow(() -> new NotFoundException("No such user."));
        Map<UUID, Organization> orgs = organizations.findVisibleTo(user.id()).stream()
                .collect(Collectors.toMap(Organization::id, Function.identity()));
        List<MembershipView> views = memberships.findByUser(user.id()).stream()
                .filter(m -> orgs.containsKey(m.id().organizationId()))
                .map(m -> new MembershipView(m.id().organizationId(), orgs.get(m.id().organizationId()).name(), m.role()))
                .toList();
        return new MeView(user.id(), user.email(), user.displayName(), user.operator(), user.mustChangePassword(),
                views);
    }

    private Map<UUID, Role> roles(Caller caller) {
        if (caller.serviceAccount() != null) {
            return Map.of(caller.serviceAccount().organizationId(), caller.serviceAccount().role());
        }
        return memberships.findByUser(caller.userId()).stream()
                .collect(Collectors.toMap(m -> m.id().organizationId(), Membership::role));
    }
}
