package dev.kiln.controlplane.support;

import dev.kiln.controlplane.auth.Passwords;
import dev.kiln.controlplane.tenancy.Membership;
import dev.kiln.controlplane.tenancy.MembershipKey;
import dev.kiln.controlplane.tenancy.MembershipRepository;
import dev.kiln.controlplane.tenancy.Organization;
import dev.kiln.controlplane.tenancy.OrganizationRepository;
import dev.kiln.controlplane.tenancy.Project;
import dev.kiln.controlplane.tenancy.ProjectRepository;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Creates real tenants (rows through the repositories) for tests that need more than the bootstrap one. */
@Singleton
public class Tenants {

    public static final String PASSWORD = "another secret password";

    /** A fresh organization with one project and one user of the given role. */
    public record Tenant(Organization organization, Project project, User user) {
    }

    private final OrganizationRepository organizations;
    private final ProjectRepository projects;
    private final UserRepository users;
    private final MembershipRepository memberships;

    Tenants(OrganizationRepository organizations, ProjectRepository projects, UserRepository users,
            MembershipRepository memberships) {
        this.organizations = organizations;
        this.projects = projects;
        this.users = users;
        this.memberships = memberships;
    }

    public Tenant create(Role role) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Organization org = organizations.save(new Organization(UUID.randomUUID(), "Org " + tag, now));
        Project project = projects.save(new Project(UUID.randomUUID(), org.id(), "Project " + tag, null, now));
        User user = user(org.id(), role);
        return new Tenant(org, project, user);
    }

    /** A new user with {@link #PASSWORD}, member of the organization with the role. */
    public User user(UUID organizationId, Role role) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        User user = users.save(User.create(UUID.randomUUID(), "user-" + UUID.randomUUID() + "@example.com", null,
                Passwords.hash(PASSWORD), false, false, now));
        memberships.save(new Membership(new MembershipKey(organizationId, user.id()), role, now));
        return user;
    }
}
