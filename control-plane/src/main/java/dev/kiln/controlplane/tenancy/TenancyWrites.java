package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ConflictException;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.common.SqlErrors;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.deployment.DeploymentRepository;
import dev.kiln.controlplane.keys.KeysChanged;
import dev.kiln.controlplane.quota.Quotas;
import dev.kiln.controlplane.tenancy.Views.CreateOrganization;
import dev.kiln.controlplane.tenancy.Views.OrganizationView;
import dev.kiln.controlplane.tenancy.Views.ProjectRequest;
import dev.kiln.controlplane.tenancy.Views.ProjectView;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.data.exceptions.DataAccessException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** Creating organizations and creating, changing and deleting projects; each change audited in its transaction. */
@Singleton
class TenancyWrites {

    private final Access access;
    private final OrganizationRepository organizations;
    private final ProjectRepository projects;
    private final MembershipRepository memberships;
    private final DeploymentRepository deployments;
    private final AuditLog audit;
    private final ApplicationEventPublisher<KeysChanged> keyEvents;
    private final Clock clock;
    private final Quotas quotas;
    private final UserRepository users;
    private final boolean selfServiceOrganizations;
    private final ProjectOrigins origins;

    TenancyWrites(Access access, OrganizationRepository organizations, ProjectRepository projects,
                  MembershipRepository memberships, DeploymentRepository deployments, AuditLog audit,
                  ApplicationEventPublisher<KeysChanged> keyEvents, Clock clock, Quotas quotas, UserRepository users,
                  @Value("${kiln.tenancy.self-service-orgs:false}") boolean selfServiceOrganizations,
                  ProjectOrigins origins) {
        this.origins = origins;
        this.quotas = quotas;
        this.access = access;
        this.organizations = organizations;
        this.projects = projects;
        this.memberships = memberships;
        this.deployments = deployments;
        this.audit = audit;
        this.keyEvents = keyEvents;
        this.clock = clock;
        this.users = users;
        this.selfServiceOrganizations = selfServiceOrganizations;
    }

    /**
     * Operators start organizations (any user too with kiln.tenancy.self-service-orgs); the creator becomes OWNER.
     * Not open to everyone by default: an organization of one's own was the first step of taking over accounts.
     */
    @Transactional
    OrganizationView createOrganization(Caller caller, CreateOrganization request) {
        if (!selfServiceOrganizations && !users.findById(caller.userId()).map(User::operator).orElse(false)) {
            throw new ForbiddenException("Only operators create organizations here; ask one to create it for you.");
        }
        Problems problems = new Problems();
        String name = Names.check(request.name(), problems);
        problems.throwIfAny("The organization is not valid.");
        quotas.requireOrganizationSlot(caller.userId());
        Instant now = Times.now(clock);
        Organization org = organizations.save(new Organization(UUID.randomUUID(), name, now));
        memberships.save(new Membership(new MembershipKey(org.id(), caller.userId()), Role.OWNER, now));
        audit.record(caller.actor(), "organization.create", new AuditLog.Target(org.id(), null, "organization",
                org.id().toString()), Map.of("name", name));
        return new OrganizationView(org.id(), org.name(), Role.OWNER, org.createdAt());
    }

    @Transactional
    ProjectView createProject(Caller caller, UUID organizationId, ProjectRequest request) {
        access.organization(caller, organizationId, Role.ADMIN);
        Problems problems = new Problems();
        String name = Names.check(request.name(), problems);
        checkRateLimit(request.defaultRateLimitPerSecond(), problems);
        List<String> allowed = Origins.check(Objects.requireNonNullElse(request.allowedOrigins(), List.of()), problems);
        problems.throwIfAny("The project is not valid.");
        if (projects.existsByOrganizationIdAndName(organizationId, name)) {
            throw duplicate(name);
        }
        Project project;
        try {
            project = projects.save(new Project(UUID.randomUUID(), organizationId, name,
                    request.defaultRateLimitPerSecond(), Times.now(clock)));
        } catch (DataAccessException e) {
            throw SqlErrors.isUniqueViolation(e) ? duplicate(name) : e;
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("name", name);
        detail.put("defaultRateLimitPerSecond", project.defaultRateLimitPerSecond());
        if (!allowed.isEmpty()) {
            origins.set(project.id(), allowed);
            detail.put("allowedOrigins", allowed);
        }
        audit.record(caller.actor(), "project.create", target(project), detail);
        return ProjectView.of(project, allowed);
    }

    @Transactional
    ProjectView updateProject(Caller caller, UUID projectId, ProjectRequest request) {
        Project current = access.project(caller, projectId, Role.ADMIN);
        Problems problems = new Problems();
        String name = request.name() == null ? current.name() : Names.check(request.name(), problems);
        Integer rateLimit = request.defaultRateLimitPerSecond() == null ? current.defaultRateLimitPerSecond()
                : request.defaultRateLimitPerSecond();
        checkRateLimit(rateLimit, problems);
        List<String> before = origins.of(List.of(projectId)).getOrDefault(projectId, List.of());
        List<String> allowed = request.allowedOrigins() == null ? before
                : Origins.check(request.allowedOrigins(), problems);
        problems.throwIfAny("The project change is not valid.");
        if (!name.equals(current.name()) && projects.existsByOrganizationIdAndName(current.organizationId(), name)) {
            throw duplicate(name);
        }
        Project changed = new Project(current.id(), current.organizationId(), name, rateLimit, current.createdAt());
        try {
            projects.update(changed);
        } catch (DataAccessException e) {
            throw SqlErrors.isUniqueViolation(e) ? duplicate(name) : e;
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        if (!name.equals(current.name())) {
            detail.put("name", Map.of("from", current.name(), "to", name));
        }
        if (!Objects.equals(rateLimit, current.defaultRateLimitPerSecond())) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("from", current.defaultRateLimitPerSecond());
            change.put("to", rateLimit);
            detail.put("defaultRateLimitPerSecond", change);
            // Keys without their own limit inherit this one; the trigger tells other replicas, this tells this one.
            keyEvents.publishEvent(new KeysChanged());
        }
        if (!allowed.equals(before)) {
            origins.set(projectId, allowed);
            detail.put("allowedOrigins", Map.of("from", before, "to", allowed));
            // The data plane caches them with the keys; the trigger tells other replicas, this tells this one.
            keyEvents.publishEvent(new KeysChanged());
        }
        audit.record(caller.actor(), "project.update", target(changed), detail);
        return ProjectView.of(changed, allowed);
    }

    /**
     * Deletes an empty-of-deployments project with its models and keys. Deployments must go first (through their
     * own delete, which drains instances on the nodes); cascading them away here would orphan running instances.
     */
    @Transactional
    void deleteProject(Caller caller, UUID projectId) {
        Project project = access.project(caller, projectId, Role.ADMIN);
        if (!deployments.findByProjectIdOrderByCreatedAt(projectId).isEmpty()) {
            throw new ConflictException("The project still has deployments; delete them first.");
        }
        projects.deleteById(projectId);
        audit.record(caller.actor(), "project.delete", target(project), Map.of("name", project.name()));
        // Its keys went with it (ON DELETE CASCADE); the trigger told other replicas, this tells this one.
        keyEvents.publishEvent(new KeysChanged());
    }

    private static void checkRateLimit(Integer rateLimit, Problems problems) {
        if (rateLimit != null && rateLimit < 1) {
            problems.add("defaultRateLimitPerSecond", "must be at least 1", "value_error.range");
        }
    }

    private static ConflictException duplicate(String name) {
        return new ConflictException("A project named '" + name + "' already exists in this organization.");
    }

    private static AuditLog.Target target(Project project) {
        return new AuditLog.Target(project.organizationId(), project.id(), "project", project.id().toString());
    }
}
