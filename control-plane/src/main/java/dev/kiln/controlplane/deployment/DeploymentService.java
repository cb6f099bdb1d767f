package dev.kiln.controlplane.deployment;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ConflictException;
import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.common.SqlErrors;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.deployment.Views.DeploymentRequest;
import dev.kiln.controlplane.deployment.Views.DeploymentView;
import dev.kiln.controlplane.deployment.Views.InstanceView;
import dev.kiln.controlplane.logs.DeploymentLog;
import dev.kiln.controlplane.model.Model;
import dev.kiln.controlplane.node.GpuType;
import dev.kiln.controlplane.node.GpuTypeCatalog;
import dev.kiln.controlplane.quota.Quota;
import dev.kiln.controlplane.quota.Quotas;
import dev.kiln.controlplane.model.ModelRepository;
import dev.kiln.controlplane.model.ModelVersion;
import dev.kiln.controlplane.model.ModelVersionRepository;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.Project;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Deployment lifecycle on the API side; the scheduler turns the desired state into instances. */
@Singleton
class DeploymentService {

    static final String WAITING = "waiting for the scheduler";

    private final Access access;
    private final DeploymentRepository deployments;
    private final DeploymentReads reads;
    private final ModelRepository models;
    private final ModelVersionRepository versions;
    private final AuditLog audit;
    private final GpuTypeCatalog gpuTypes;
    private final ApplicationEventPublisher<DeploymentChanged> events;
    private final DeploymentLog log;
    private final Clock clock;
    private final Quotas quotas;

    DeploymentService(Access access, DeploymentRepository deployments, DeploymentReads reads, ModelRepository models,
                      ModelVersionRepository versions, AuditLog audit, GpuTypeCatalog gpuTypes,
                      ApplicationEventPublisher<DeploymentChanged> events, DeploymentLog log, Clock clock,
                      Quotas quotas) {
        this.quotas = quotas;
        this.access = access;
        this.deployments = deployments;
        this.reads = reads;
        this.models = models;
        this.versions = versions;
        this.audit = audit;
        this.gpuTypes = gpuTypes;
        this.events = events;
        this.log = log;
        this.clock = clock;
    }

    @Transactional
    DeploymentView create(Caller caller, UUID projectId, DeploymentRequest request) {
        Project project = access.project(caller, projectId, Role.MEMBER);
        Problems problems = new Problems();
        if (request.name() == null || request.name().isBlank()) {
            problems.add("name", "is required", "value_error.missing");
        }
        Optional<UUID> version = resolveVersion(projectId, request, problems, true);
        problems.throwIfAny("The deployment is not valid.");
        Settings settings = validate(Settings.defaults(request.name().trim(), version.orElseThrow())
                .merge(request, version.get()));
        requireFreeName(projectId, settings.name(), null);
        quotas.require(project.organizationId(), demand(null, settings));
        Instant now = Times.now(clock);
        Deployment deployment = row(UUID.randomUUID(), projectId, settings, DeploymentStatus.PENDING.name(), WAITING,
                1, caller.personId(), now, now);
        insert(deployment);
        audit.record(caller.actor(), "deployment.create", target(project, deployment.id()), settings.asMap());
        events.publishEvent(new DeploymentChanged(deployment.id()));
        return view(deployment);
    }

    List<DeploymentView> list(Caller caller, UUID projectId) {
        access.project(caller, projectId, Role.VIEWER);
        List<Deployment> rows = deployments.findByProjectIdOrderByCreatedAt(projectId);
        Map<UUID, DeploymentReads.Extras> extras = reads.extras(rows.stream().map(Deployment::id).toList());
        return rows.stream().map(d -> view(d, extras.get(d.id()))).toList();
    }

    DeploymentView get(Caller caller, UUID deploymentId) {
        return view(deployment(caller, deploymentId, Role.VIEWER).deployment());
    }

    List<InstanceView> instances(Caller caller, UUID deploymentId) {
        deployment(caller, deploymentId, Role.VIEWER);
        return reads.instances(deploymentId);
    }

    @Transactional
    DeploymentView update(Caller caller, UUID deploymentId, DeploymentRequest request) {
        Scoped scoped = deployment(caller, deploymentId, Role.MEMBER);
        Deployment current = scoped.deployment();
        if (current.deleting()) {
            throw new ConflictException("The deployment is being deleted and can no longer be changed.");
        }
        Problems problems = new Problems();
        UUID version = resolveVersion(current.projectId(), request, problems, false).orElse(current.modelVersionId());
        problems.throwIfAny("The change is not valid.");
        Settings before = Settings.of(current);
        Settings after = validate(before.merge(request, version));
        if (!after.name().equals(before.name())) {
            requireFreeName(current.projectId(), after.name(), current.id());
        }
        Map<String, Object> changes = before.changes(after);
        if (changes.isEmpty()) {
            return view(current);
        }
        quotas.require(scoped.project().organizationId(), demand(before, after));
        int generation = before.needsNewSessions(after) ? current.generation() + 1 : current.generation();
        Deployment updated = row(current.id(), current.projectId(), after, current.status(), current.statusReason(),
                generation, current.createdBy(), current.createdAt(), Times.now(clock));
        updated = withOnlineSince(updated, current.onlineSince());
        try {
            deployments.update(updated);
        } catch (DataAccessException e) {
            throw SqlErrors.isUniqueViolation(e) ? nameTaken(after.name()) : e;
        }
        changes.put("generation", generation);
        log.changed(current.id(), current.instances(), after.instances(), current.generation(), generation);
        audit.record(caller.actor(), "deployment.update", target(scoped.project(), current.id()), changes);
        events.publishEvent(new DeploymentChanged(current.id()));
        return view(updated);
    }

    /** Marks the deployment DELETING (idempotent); the scheduler drains its instances and removes the row. */
    @Transactional
    DeploymentView delete(Caller caller, UUID deploymentId, @Nullable String confirm) {
        Scoped scoped = deployment(caller, deploymentId, Role.MEMBER);
        Deployment current = scoped.deployment();
        if (confirm == null || !confirm.equals(current.name())) {
            String msg = "pass the deployment's name as ?confirm=" + current.name() + " to delete it";
            throw new InvalidInputException("Deleting needs confirmation: " + msg + ".",
                    List.of(new ErrorBody.Detail(List.of("query", "confirm"), msg,
                            confirm == null ? "value_error.missing" : "value_error.confirm")));
        }
        if (current.deleting()) {
            return view(current);
        }
        Deployment deleting = withOnlineSince(row(current.id(), current.projectId(), Settings.of(current),
                DeploymentStatus.DELETING.name(), "deletion requested", current.generation(), current.createdBy(),
                current.createdAt(), Times.now(clock)), current.onlineSince());
        deployments.update(deleting);
        audit.record(caller.actor(), "deployment.delete", target(scoped.project(), current.id()),
                Map.of("name", current.name()));
        events.publishEvent(new DeploymentChanged(current.id()));
        return view(deleting);
    }

    private record Scoped(Project project, Deployment deployment) {
    }

    private Scoped deployment(Caller caller, UUID deploymentId, Role minimum) {
        Deployment deployment = deployments.findById(deploymentId)
                .orElseThrow(() -> new NotFoundException("No deployment " + deploymentId + "."));
        return new Scoped(access.project(caller, deployment.projectId(), minimum), deployment);
    }

    /**
     * The model version the request names, which must belong to the project: modelVersionId, or modelId +
     * versionTag. Empty (with a problem added when {@code required}) when it names none.
     */
    private Optional<UUID> resolveVersion(UUID projectId, DeploymentRequest r, Problems problems, boolean required) {
        if (r.modelVersionId() != null) {
            Optional<UUID> found = versions.findById(r.modelVersionId())
                    .filter(v -> models.findById(v.modelId()).map(Model::projectId).filter(projectId::equals).isPresent())
                    .map(ModelVersion::id);
            if (found.isEmpty()) {
                problems.add("modelVersionId", "no such model version in this project", "value_error.not_found");
            }
            return found;
        }
        if (r.modelId() != null || r.versionTag() != null) {
            if (r.modelId() == null || r.versionTag() == null) {
                problems.add(r.modelId() == null ? "modelId" : "versionTag",
                        "modelId and versionTag must be given together", "value_error.missing");
                return Optional.empty();
            }
            Optional<UUID> found = models.findById(r.modelId()).filter(m -> m.projectId().equals(projectId))
                    .flatMap(m -> versions.findByModelIdAndVersionTag(m.id(), r.versionTag().trim()))
                    .map(ModelVersion::id);
            if (found.isEmpty()) {
                problems.add("versionTag", "no version '" + r.versionTag() + "' of that model in this project",
                        "value_error.not_found");
            }
            return found;
        }
        if (required) {
            problems.add("modelVersionId", "is required (or modelId and versionTag)", "value_error.missing");
        }
        return Optional.empty();
    }

    /**
     * Checks every field; a GPU deployment must name a type of the GPU catalog (any case), which is returned in the
     * catalog's spelling so placement and the dashboard see one name.
     */
    private Settings validate(Settings settings) {
        Problems problems = new Problems();
        settings.validate(problems);
        Settings checked = settings;
        if ("GPU".equals(settings.resourceType())) {
            Optional<GpuType> type = Optional.ofNullable(settings.gpuType()).flatMap(gpuTypes::find);
            if (type.isPresent()) {
                checked = settings.withGpuType(type.get().name());
            } else {
                String known = gpuTypes.list().stream().map(GpuType::name).collect(Collectors.joining(", "));
                String msg = (settings.gpuType() == null ? "is required for a GPU deployment"
                        : "'" + settings.gpuType() + "' is not in the GPU type catalog")
                        + (known.isEmpty() ? "; the catalog is empty (an operator adds types at /api/v1/gpu-types)"
                        : "; one of: " + known);
                problems.add("gpuType", msg, settings.gpuType() == null ? "value_error.missing" : "value_error.gpu_type");
            }
        }
        problems.throwIfAny("The deployment is not valid.");
        return checked;
    }

    /** What a deployment adds to its organization's quotas: itself when new, and the instances and GPUs it asks for. */
    private static Map<Quota, Long> demand(@Nullable Settings before, Settings after) {
        long instances = after.instances() - (before == null ? 0L : before.instances());
        long gpus = (long) after.instances() * after.gpusPerInstance()
                - (before == null ? 0L : (long) before.instances() * before.gpusPerInstance());
        return Map.of(Quota.DEPLOYMENTS, before == null ? 1L : 0L, Quota.INSTANCES, instances, Quota.GPUS, gpus);
    }

    private void requireFreeName(UUID projectId, String name, @Nullable UUID self) {
        boolean taken = deployments.findByProjectIdOrderByCreatedAt(projectId).stream()
                .anyMatch(d -> !d.deleting() && d.name().equals(name) && !d.id().equals(self));
        if (taken) {
            throw nameTaken(name);
        }
    }

    private void insert(Deployment deployment) {
        try {
            deployments.save(deployment);
        } catch (DataAccessException e) {
            throw SqlErrors.isUniqueViolation(e) ? nameTaken(deployment.name()) : e;
        }
    }

    private static ConflictException nameTaken(String name) {
        return new ConflictException("A deployment named '" + name + "' already exists in this project.");
    }

    private static Deployment row(UUID id, UUID projectId, Settings s, String status, @Nullable String reason,
                                  int generation, @Nullable UUID createdBy, Instant createdAt, Instant updatedAt) {
        return new Deployment(id, projectId, s.name(), s.modelVersionId(), status, reason, s.instances(),
                s.resourceType(), s.gpuType(), s.gpusPerInstance(), s.region(), s.evaluationStrategy(),
                s.evaluationThreshold(), s.maxBatchSize(), s.maxQueueDelayMs(), s.maxQueue(), s.timeoutMs(),
                s.rateLimitPerSecond(), generation, null, createdBy, createdAt, updatedAt, s.captureGroups());
    }

    private static Deployment withOnlineSince(Deployment d, @Nullable Instant onlineSince) {
        return new Deployment(d.id(), d.projectId(), d.name(), d.modelVersionId(), d.status(), d.statusReason(),
                d.instances(), d.resourceType(), d.gpuType(), d.gpusPerInstance(), d.region(), d.evaluationStrategy(),
                d.evaluationThreshold(), d.maxBatchSize(), d.maxQueueDelayMs(), d.maxQueue(), d.timeoutMs(),
                d.rateLimitPerSecond(), d.generation(), onlineSince, d.createdBy(), d.createdAt(), d.updatedAt(),
                d.captureGroups());
    }

    private DeploymentView view(Deployment d) {
        return view(d, reads.extras(List.of(d.id())).get(d.id()));
    }

    private static DeploymentView view(Deployment d, @Nullable DeploymentReads.Extras extras) {
        return DeploymentView.of(d, extras == null ? null : extras.versionTag(),
                extras == null ? 0 : extras.readyInstances());
    }

    private static AuditLog.Target target(Project project, UUID deploymentId) {
        return new AuditLog.Target(project.organizationId(), project.id(), "deployment", deploymentId.toString());
    }
}
