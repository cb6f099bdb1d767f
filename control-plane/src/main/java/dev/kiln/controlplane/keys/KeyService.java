package dev.kiln.controlplane.keys;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ConflictException;
import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.deployment.DeploymentRepository;
import dev.kiln.controlplane.keys.Views.CreateKey;
import dev.kiln.controlplane.keys.Views.KeyView;
import dev.kiln.controlplane.keys.Views.RotateKey;
import dev.kiln.controlplane.quota.Quota;
import dev.kiln.controlplane.quota.Quotas;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.Project;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/** Project secrets (DESIGN §8): ADMIN/OWNER create, rotate and revoke; any member lists them (never the secret). */
@Singleton
class KeyService {

    /** Long enough to roll a secret through any deployment pipeline; longer would defeat rotating. */
    static final Duration MAX_GRACE = Duration.ofDays(30);

    private final Access access;
    private final ProjectKeyRepository keys;
    private final DeploymentRepository deployments;
    private final AuditLog audit;
    private final ApplicationEventPublisher<KeysChanged> events;
    private final UserRepository users;
    private final Clock clock;
    private final Quotas quotas;

    KeyService(Access access, ProjectKeyRepository keys, DeploymentRepository deployments, AuditLog audit,
               ApplicationEventPublisher<KeysChanged> events, UserRepository users, Clock clock, Quotas quotas) {
        this.quotas = quotas;
        this.access = access;
        this.keys = keys;
        this.deployments = deployments;
        this.audit = audit;
        this.events = events;
        this.users = users;
        this.clock = clock;
    }

    /** Creates a key; the returned view is the only place its secret ever appears. */
    @Transactional
    KeyView create(Caller caller, UUID projectId, CreateKey request) {
        Project project = access.project(caller, projectId, Role.ADMIN);
        Instant now = Times.now(clock);
        String name = request.name() == null ? "" : request.name().trim();
        validate(projectId, name, request, now);
        quotas.require(project.organizationId(), Map.of(Quota.KEYS, 1L));
        String secret = KeyFormat.newSecret();
        ProjectKey key = new ProjectKey(UUID.randomUUID(), projectId, name, KeyFormat.prefix(secret),
                Secrets.sha256Hex(secret), null, null,
                request.deploymentIds() == null ? null : Set.copyOf(request.deploymentIds()), request.expiresAt(),
                request.rateLimitPerSecond(), caller.personId(), now, null, null, null);
        keys.save(key);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("name", name);
        detail.put("prefix", key.prefix());
        detail.put("deploymentIds", key.deploymentIds() == null ? null : key.deploymentIds().stream().map(UUID::toString).toList());
        detail.put("expiresAt", key.expiresAt() == null ? null : key.expiresAt().toString());
        audit.record(caller.actor(), "key.create", target(project, key.id()), detail);
        events.publishEvent(new KeysChanged());
        return KeyView.of(key, secret, caller.email(), now);
    }

    List<KeyView> list(Caller caller, UUID projectId) {
        access.project(caller, projectId, Role.VIEWER);
        Instant now = clock.instant();
        List<ProjectKey> all = keys.findByProjectIdOrderByCreatedAt(projectId);
        // Keys are made by a handful of admins: one lookup per distinct creator, not per key.
        Map<UUID, String> emails = new HashMap<>();
        all.stream().map(ProjectKey::createdBy).filter(Objects::nonNull).distinct()
                .forEach(id -> users.findById(id).ifPresent(u -> emails.put(id, u.email())));
        return all.stream().map(k -> KeyView.of(k, null, k.createdBy() == null ? null : emails.get(k.createdBy()), now))
                .toList();
    }

    /**
     * Issues a new secret for the key; the old one keeps working for {@code graceSeconds} (0 = refused at once),
     * so clients can be switched over without an outage. Rotating again during a grace period ends the earlier
     * secret's grace at once: only one previous secret is kept.
     */
    @Transactional
    KeyView rotate(Caller caller, UUID keyId, RotateKey request) {
        ProjectKey key = keys.findById(keyId).orElseThrow(() -> new NotFoundException("No key " + keyId + "."));
        Project project = access.project(caller, key.projectId(), Role.ADMIN);
        long grace = request == null || request.graceSeconds() == null ? 0 : request.graceSeconds();
        if (grace < 0 || grace > MAX_GRACE.toSeconds()) {
            throw InvalidInputException.field("graceSeconds", "must be between 0 and " + MAX_GRACE.toSeconds(),
                    "value_error.range");
        }
        Instant now = Times.now(clock);
        String secret = KeyFormat.newSecret();
        if (keys.rotate(keyId, Secrets.sha256Hex(secret), KeyFormat.prefix(secret), now.plusSeconds(grace), now) == 0) {
            throw new ConflictException("The key is revoked or expired; create a new key instead.");
        }
        ProjectKey rotated = keys.findById(keyId).orElseThrow();
        audit.record(caller.actor(), "key.rotate", target(project, keyId), Map.of("name", key.name(),
                "previousPrefix", key.prefix(), "prefix", rotated.prefix(), "graceSeconds", grace));
        events.publishEvent(new KeysChanged());
        String creator = rotated.createdBy() == null ? null
                : users.findById(rotated.createdBy()).map(User::email).orElse(null);
        return KeyView.of(rotated, secret, creator, now);
    }

    /** Revokes the key at once (idempotent: revoking a revoked key changes nothing). */
    @Transactional
    void revoke(Caller caller, UUID keyId) {
        ProjectKey key = keys.findById(keyId).orElseThrow(() -> new NotFoundException("No key " + keyId + "."));
        Project project = access.project(caller, key.projectId(), Role.ADMIN);
        if (keys.revoke(keyId, Times.now(clock)) > 0) {
            audit.record(caller.actor(), "key.revoke", target(project, keyId),
                    Map.of("name", key.name(), "prefix", key.prefix()));
            events.publishEvent(new KeysChanged());
        }
    }

    private void validate(UUID projectId, String name, CreateKey request, Instant now) {
        Problems problems = new Problems();
        if (name.isEmpty() || name.length() > 100) {
            problems.add("name", "must be 1 to 100 characters", "value_error.name");
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            problems.add("expiresAt", "must be in the future", "value_error.past");
        }
        if (request.rateLimitPerSecond() != null && request.rateLimitPerSecond() < 1) {
            problems.add("rateLimitPerSecond", "must be at least 1", "value_error.range");
        }
        if (request.deploymentIds() != null) {
            Set<UUID> live = deployments.findByProjectIdOrderByCreatedAt(projectId).stream()
                    .filter(d -> !d.deleting()).map(Deployment::id).collect(java.util.stream.Collectors.toSet());
            for (UUID id : request.deploymentIds()) {
                if (!live.contains(id)) {
                    problems.add("deploymentIds", "no deployment " + id + " in this project", "value_error.not_found");
                }
            }
        }
        problems.throwIfAny("The key is not valid.");
    }

    private static AuditLog.Target target(Project project, UUID keyId) {
        return new AuditLog.Target(project.organizationId(), project.id(), "key", keyId.toString());
    }
}
