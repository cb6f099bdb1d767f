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
import dev.kiln.controlplane.deployment.Views.HistoryEntry;
import dev.kiln.controlplane.deployment.Views.PromoteRequest;
import dev.kiln.controlplane.deployment.Views.RollbackRequest;
import dev.kiln.controlplane.deployment.Views.TrafficEntry;
import dev.kiln.controlplane.logs.LogKind;
import dev.kiln.controlplane.logs.LogLevel;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
    private final DeploymentHistory history;

    DeploymentService(Access access, DeploymentRepository deployments, DeploymentReads reads, ModelRepository models,
                      ModelVersionRepository versions, AuditLog audit, GpuTypeCatalog gpuTypes,
                      ApplicationEventPublisher<DeploymentChanged> events, DeploymentLog log, Clock clock,
                      Quotas quotas, DeploymentHistory history) {
        this.quotas = quotas;
        this.history = history;
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
        Optional<UUID> version = resolveVersion(projectId, request, problems, request.traffic() == null);
        Optional<List<TrafficSplit>> traffic = resolveTraffic(projectId, request, version.orElse(null), null,
                problems);
        problems.throwIfAny("The deployment is not valid.");
        UUID base = version.orElseGet(() -> traffic.orElseThrow().getFirst().modelVersionId());
        Settings settings = validate(Settings.defaults(request.name().trim(), base)
                .merge(request, base, traffic.map(DeploymentService::normalized).orElse(List.of())));
        requireFreeName(projectId, settings.name(), null);
        quotas.require(project.organizationId(), demand(null, settings));
        Instant now = Times.now(clock);
        Deployment deployment = row(UUID.randomUUID(), projectId, settings, DeploymentStatus.PENDING.name(), WAITING,
                1, caller.personId(), now, now, autoscaled(settings, null));
        insert(deployment);
        history.append(deployment.id(), "create", caller.actor().name(), settings, now);
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
        Scoped scoped = writable(caller, deploymentId);
        Deployment current = scoped.deployment();
        Problems problems = new Problems();
        Optional<UUID> named = resolveVersion(current.projectId(), request, problems, false);
        Optional<List<TrafficSplit>> traffic = resolveTraffic(current.projectId(), request, named.orElse(null),
                current.modelVersionId(), problems);
        problems.throwIfAny("The change is not valid.");
        // Naming a version without a traffic list moves all traffic to it.
        List<TrafficSplit> splits = traffic.map(DeploymentService::normalized)
                .orElse(named.isPresent() ? List.of() : current.traffic());
        UUID base = named.or(() -> traffic.filter(t -> !t.isEmpty()).map(t -> t.getFirst().modelVersionId()))
                .orElse(current.modelVersionId());
        Settings before = Settings.of(current);
        Settings after = validate(before.merge(request, base, splits));
        if (!after.name().equals(before.name())) {
            requireFreeName(current.projectId(), after.name(), current.id());
        }
        return apply(caller, scoped, after, "update");
    }

    /** The configuration of history generation {@code generation} applied again, as a new generation. */
    @Transactional
    DeploymentView rollback(Caller caller, UUID deploymentId, RollbackRequest request) {
        Scoped scoped = writable(caller, deploymentId);
        if (request == null || request.generation() == null) {
            throw new InvalidInputException("The rollback is not valid.",
                    List.of(Problems.body("generation", "is required", "value_error.missing")));
        }
        HistoryEntry entry = history.find(deploymentId, request.generation()).orElseThrow(() ->
                new InvalidInputException("The rollback is not valid.", List.of(Problems.body("generation",
                        "deployment " + deploymentId + " has no generation " + request.generation(),
                        "value_error.not_found"))));
        Settings target = Settings.of(scoped.deployment()).restored(entry.settings());
        requireVersionsExist(target);
        return apply(caller, scoped, validate(target), "rollback");
    }

    /** All traffic on one version of the deployment's model (a canary made the only version, or a step back). */
    @Transactional
    DeploymentView promote(Caller caller, UUID deploymentId, PromoteRequest request) {
        Scoped scoped = writable(caller, deploymentId);
        Deployment current = scoped.deployment();
        Problems problems = new Problems();
        if (request == null || request.modelVersionId() == null) {
            problems.add("modelVersionId", "is required", "value_error.missing");
        } else if (!modelOf(request.modelVersionId()).equals(modelOf(current.modelVersionId()))) {
            problems.add("modelVersionId", "is not a version of this deployment's model", "value_error.not_found");
        }
        problems.throwIfAny("The promotion is not valid.");
        return apply(caller, scoped, Settings.of(current).withOnlyVersion(request.modelVersionId()), "promote");
    }

    List<HistoryEntry> history(Caller caller, UUID deploymentId) {
        deployment(caller, deploymentId, Role.VIEWER);
        return history.list(deploymentId);
    }

    /**
     * Writes {@code after} as the deployment's configuration with its history generation, log lines and audit
     * event; the scheduler rolls it out (new instances before old ones drain). Nothing changed writes nothing.
     */
    private DeploymentView apply(Caller caller, Scoped scoped, Settings after, String action) {
        Deployment current = scoped.deployment();
        Settings before = Settings.of(current);
        Map<String, Object> changes = before.changes(after);
        if (changes.isEmpty()) {
            return view(current);
        }
        quotas.require(scoped.project().organizationId(), demand(before, after));
        int generation = before.needsNewSessions(after) ? current.generation() + 1 : current.generation();
        Instant now = Times.now(clock);
        Deployment updated = row(current.id(), current.projectId(), after, current.status(), current.statusReason(),
                generation, current.createdBy(), current.createdAt(), now,
                autoscaled(after, current.autoscaledInstances()));
        updated = withOnlineSince(updated, current.onlineSince());
        try {
            deployments.update(updated);
        } catch (DataAccessException e) {
            throw SqlErrors.isUniqueViolation(e) ? nameTaken(after.name()) : e;
        }
        int historyGeneration = history.append(current.id(), action, caller.actor().name(), after, now);
        changes.put("generation", generation);
        changes.put("historyGeneration", historyGeneration);
        log.changed(current.id(), current.instances(), after.instances(), current.generation(), generation);
        if (!before.traffic().equals(after.traffic()) || !before.modelVersionId().equals(after.modelVersionId())) {
            log.record(current.id(), LogLevel.INFO, LogKind.ROLLOUT, "Traffic: " + describe(after)
                    + " (generation " + historyGeneration + ", " + action + ").", null, null);
        }
        audit.record(caller.actor(), "deployment." + action, target(scoped.project(), current.id()), changes);
        events.publishEvent(new DeploymentChanged(current.id()));
        return view(updated);
    }

    private Scoped writable(Caller caller, UUID deploymentId) {
        Scoped scoped = deployment(caller, deploymentId, Role.MEMBER);
        if (scoped.deployment().deleting()) {
            throw new ConflictException("The deployment is being deleted and can no longer be changed.");
        }
        return scoped;
    }

    private static String describe(Settings settings) {
        if (settings.traffic().isEmpty()) {
            return "all requests to version " + settings.modelVersionId();
        }
        return settings.traffic().stream().map(t -> (t.shadow() ? "shadow " : "") + t.weight() + "% to version "
                + t.modelVersionId()).collect(Collectors.joining(", "));
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
                current.createdAt(), Times.now(clock), current.autoscaledInstances()), current.onlineSince());
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
     * The request's traffic list, empty when it gives none. Every entry names a version of one model of the
     * project: the model of the version the request names, else of the deployment's current version, else (a new
     * deployment named by its traffic alone) of the first entry.
     */
    private Optional<List<TrafficSplit>> resolveTraffic(UUID projectId, DeploymentRequest r, @Nullable UUID named,
                                                        @Nullable UUID currentVersion, Problems problems) {
        if (r.traffic() == null) {
            return Optional.empty();
        }
        if (r.traffic().isEmpty()) {
            if (named == null && currentVersion == null) {
                problems.add("traffic", "must name at least one model version", "value_error.missing");
            }
            return Optional.of(List.of());
        }
        UUID anchor = named != null ? named : currentVersion;
        UUID model = null;
        List<TrafficSplit> splits = new ArrayList<>();
        for (TrafficEntry entry : r.traffic()) {
            if (entry == null || entry.modelVersionId() == null || entry.weight() == null) {
                problems.add("traffic", "each entry needs modelVersionId and weight", "value_error.missing");
                continue;
            }
            Optional<UUID> entryModel = versions.findById(entry.modelVersionId()).map(ModelVersion::modelId)
                    .filter(m -> models.findById(m).map(Model::projectId).filter(projectId::equals).isPresent());
            if (model == null) {
                model = anchor != null ? modelOf(anchor) : entryModel.orElse(null);
            }
            if (entryModel.isEmpty() || !entryModel.get().equals(model)) {
                problems.add("traffic", "model version " + entry.modelVersionId()
                        + " is not a version of this deployment's model", "value_error.not_found");
                continue;
            }
            splits.add(new TrafficSplit(entry.modelVersionId(), entry.weight(), Boolean.TRUE.equals(entry.shadow())));
        }
        return Optional.of(splits);
    }

    /** A list that sends everything to one version and mirrors nothing is stored as that version alone. */
    private static List<TrafficSplit> normalized(List<TrafficSplit> traffic) {
        boolean single = traffic.size() == 1 && !traffic.getFirst().shadow() && traffic.getFirst().weight() == 100;
        return single ? List.of() : traffic;
    }

    private UUID modelOf(UUID versionId) {
        return versions.findById(versionId).map(ModelVersion::modelId).orElseThrow(() ->
                new NotFoundException("No model version " + versionId + "."));
    }

    /** A generation may name a version deleted since; rolling back to it is a conflict, not a broken row. */
    private void requireVersionsExist(Settings settings) {
        Stream.concat(Stream.of(settings.modelVersionId()), settings.traffic().stream().map(TrafficSplit::modelVersionId))
                .filter(id -> versions.findById(id).isEmpty()).findFirst().ifPresent(id -> {
                    throw new ConflictException("That generation runs model version " + id
                            + ", which has been deleted.");
                });
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
        // An autoscaled deployment may grow to its maximum without asking again: the quota must hold that much.
        long instances = after.reservedInstances() - (before == null ? 0L : before.reservedInstances());
        long gpus = (long) after.reservedInstances() * after.gpusPerInstance()
                - (before == null ? 0L : (long) before.reservedInstances() * before.gpusPerInstance());
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
                                  int generation, @Nullable UUID createdBy, Instant createdAt, Instant updatedAt,
                                  @Nullable Integer autoscaledInstances) {
        Autoscaling a = s.autoscaling();
        return new Deployment(id, projectId, s.name(), s.modelVersionId(), status, reason, s.instances(),
                s.resourceType(), s.gpuType(), s.gpusPerInstance(), s.region(), s.evaluationStrategy(),
                s.evaluationThreshold(), s.maxBatchSize(), s.maxQueueDelayMs(), s.maxQueue(), s.timeoutMs(),
                s.rateLimitPerSecond(), generation, null, createdBy, createdAt, updatedAt,
                a == null ? null : a.minInstances(), a == null ? null : a.maxInstances(),
                a == null ? null : a.targetConcurrency(), a == null ? null : a.scaleDownDelaySeconds(),
                a == null ? null : a.maxScaleUpRate(), autoscaledInstances, s.traffic(), s.captureGroups());
    }

    /**
     * The count the autoscaler starts from: what it wanted before, else the configured instances, within the
     * policy's bounds; null when autoscaling is off.
     */
    private static @Nullable Integer autoscaled(Settings s, @Nullable Integer before) {
        return s.autoscaling() == null ? null : s.autoscaling().bound(before != null ? before : s.instances());
    }

    private static Deployment withOnlineSince(Deployment d, @Nullable Instant onlineSince) {
        return new Deployment(d.id(), d.projectId(), d.name(), d.modelVersionId(), d.status(), d.statusReason(),
                d.instances(), d.resourceType(), d.gpuType(), d.gpusPerInstance(), d.region(), d.evaluationStrategy(),
                d.evaluationThreshold(), d.maxBatchSize(), d.maxQueueDelayMs(), d.maxQueue(), d.timeoutMs(),
                d.rateLimitPerSecond(), d.generation(), onlineSince, d.createdBy(), d.createdAt(), d.updatedAt(),
                d.autoscaleMinInstances(), d.autoscaleMaxInstances(), d.autoscaleTargetConcurrency(),
                d.autoscaleScaleDownDelaySeconds(), d.autoscaleMaxScaleUpRate(), d.autoscaledInstances(), d.traffic(),
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
