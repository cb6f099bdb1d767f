package dev.kiln.controlplane.model;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ConflictException;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.common.SqlErrors;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.model.Views.CreateModel;
import dev.kiln.controlplane.model.Views.ModelVersionView;
import dev.kiln.controlplane.model.Views.ModelView;
import dev.kiln.controlplane.quota.Quotas;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.Project;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.Task;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Models and their versions, always reached through the caller's access to the owning project. */
@Singleton
public class ModelService {

    /** Task of a model created without one: each version's inferred task decides, the first one sticks. */
    static final String AUTO_TASK = "auto";

    private final Access access;
    private final ModelRepository models;
    private final ModelVersionRepository versions;
    private final ArtifactRepository artifacts;
    private final ArtifactStore store;
    private final AuditLog audit;
    private final JsonMapper json;
    private final Clock clock;
    private final Quotas quotas;

    ModelService(Access access, ModelRepository models, ModelVersionRepository versions, ArtifactRepository artifacts,
                 ArtifactStore store, AuditLog audit, JsonMapper json, Clock clock, Quotas quotas) {
        this.quotas = quotas;
        this.access = access;
        this.models = models;
        this.versions = versions;
        this.artifacts = artifacts;
        this.store = store;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    @Transactional
    ModelView create(Caller caller, UUID projectId, CreateModel request) {
        Project project = access.project(caller, projectId, Role.MEMBER);
        String name = request.name() == null ? "" : request.name().trim();
        String task = validate(name, request.task());
        if (models.findByProjectIdAndName(projectId, name).isPresent()) {
            throw new ConflictException("A model named '" + name + "' already exists in this project.");
        }
        Model model = new Model(UUID.randomUUID(), projectId, name, task, request.description(), Times.now(clock));
        try {
            models.save(model);
        } catch (DataAccessException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new ConflictException("A model named '" + name + "' already exists in this project.");
            }
            throw e;
        }
        audit.record(caller.actor(), "model.create", target(project, "model", model.id()), Map.of("name", name));
        return view(model);
    }

    List<ModelView> list(Caller caller, UUID projectId) {
        access.project(caller, projectId, Role.VIEWER);
        return models.findByProjectIdOrderByCreatedAt(projectId).stream().map(this::view).toList();
    }

    ModelView get(Caller caller, UUID modelId) {
        return view(model(caller, modelId, Role.VIEWER));
    }

    ModelVersionView version(Caller caller, UUID versionId) {
        ModelVersion version = versions.findById(versionId)
                .orElseThrow(() -> new NotFoundException("No model version " + versionId + "."));
        model(caller, version.modelId(), Role.VIEWER);
        return view(version);
    }

    /** The model if the caller's role in its project is at least {@code minimum}; else 404/403. */
    Model model(Caller caller, UUID modelId, Role minimum) {
        Model model = models.findById(modelId).orElseThrow(() -> new NotFoundException("No model " + modelId + "."));
        access.project(caller, model.projectId(), minimum);
        return model;
    }

    /** A version tag not used yet by the model: v1, v2, … */
    String nextVersionTag(UUID modelId) {
        Set<String> used = new HashSet<>(versions.findVersionTagsByModelId(modelId));
        int n = used.size() + 1;
        while (used.contains("v" + n)) {
            n++;
        }
        return "v" + n;
    }

    boolean versionTagTaken(UUID modelId, String versionTag) {
        return versions.findByModelIdAndVersionTag(modelId, versionTag).isPresent();
    }

    /**
     * Stores the (already validated) file and the version row, and audits it, in one transaction. A concurrent
     * upload of the same tag loses with a 409.
     */
    @Transactional
    ModelVersionView addVersion(Caller caller, Model model, String versionTag, Path file, String sha256,
                                ModelDescriptor descriptor) {
        Project project = access.project(caller, model.projectId(), Role.MEMBER);
        quotas.requireStorage(project.organizationId(), sha256, size(file));
        store.store(file, sha256);
        ModelVersion version = new ModelVersion(UUID.randomUUID(), model.id(), versionTag, sha256, toJson(descriptor),
                caller.personId(), Times.now(clock));
        try {
            versions.save(version);
        } catch (DataAccessException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new ConflictException("Version '" + versionTag + "' of this model already exists.");
            }
            throw e;
        }
        if (AUTO_TASK.equals(model.task())) {
            models.update(new Model(model.id(), model.projectId(), model.name(), descriptor.task().json(),
                    model.description(), model.createdAt()));
        }
        audit.record(caller.actor(), "model_version.create", target(project, "model_version", version.id()),
                Map.of("modelId", model.id().toString(), "versionTag", versionTag, "sha256", sha256));
        return view(version);
    }

    /**
     * Deletes the model with its versions (409 while a deployment runs one of them) and every artifact no other
     * version references, with its audit event, in one transaction.
     */
    @Transactional
    void deleteModel(Caller caller, UUID modelId) {
        Model model = model(caller, modelId, Role.MEMBER);
        refuseWhileDeployed(versions.findDeploymentNamesUsingModel(modelId), "Model '" + model.name() + "'");
        List<String> hashes = versions.findByModelIdOrderByCreatedAt(modelId).stream()
                .map(ModelVersion::artifactSha256).distinct().toList();
        models.delete(model);
        hashes.forEach(artifacts::deleteUnreferenced);
        Project project = access.project(caller, model.projectId(), Role.MEMBER);
        audit.record(caller.actor(), "model.delete", target(project, "model", modelId),
                Map.of("name", model.name(), "versions", String.valueOf(hashes.size())));
    }

    /** Deletes one version (409 while a deployment runs it) and its artifact once nothing references it. */
    @Transactional
    void deleteVersion(Caller caller, UUID versionId) {
        ModelVersion version = versions.findById(versionId)
                .orElseThrow(() -> new NotFoundException("No model version " + versionId + "."));
        Model model = model(caller, version.modelId(), Role.MEMBER);
        refuseWhileDeployed(versions.findDeploymentNamesUsingVersion(versionId),
                "Version '" + version.versionTag() + "' of model '" + model.name() + "'");
        versions.delete(version);
        boolean collected = artifacts.deleteUnreferenced(version.artifactSha256()) == 1;
        Project project = access.project(caller, model.projectId(), Role.MEMBER);
        audit.record(caller.actor(), "model_version.delete", target(project, "model_version", versionId),
                Map.of("modelId", model.id().toString(), "versionTag", version.versionTag(),
                        "sha256", version.artifactSha256(), "artifactDeleted", String.valueOf(collected)));
    }

    private static void refuseWhileDeployed(List<String> deployments, String what) {
        if (!deployments.isEmpty()) {
            throw new ConflictException(what + " is used by deployment" + (deployments.size() == 1 ? " " : "s ")
                    + String.join(", ", deployments.stream().map(name -> "'" + name + "'").toList())
                    + "; change or delete " + (deployments.size() == 1 ? "it" : "them") + " first.");
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String validate(String name, String task) {
        Problems problems = new Problems();
        if (name.isEmpty() || name.length() > 200) {
            problems.add("name", "must be 1 to 200 characters", "value_error.name");
        }
        String normalized = AUTO_TASK;
        if (task != null && !task.isBlank()) {
            try {
                normalized = Task.parse(task).json();
            } catch (IllegalArgumentException e) {
                problems.add("task", "must be one of object_detection, instance_segmentation, "
                        + "semantic_segmentation, classification, raw", "value_error.task");
            }
        }
        problems.throwIfAny("The model is not valid.");
        return normalized;
    }

    private ModelView view(Model model) {
        return new ModelView(model.id(), model.projectId(), model.name(), model.task(), model.description(),
                model.createdAt(), versions.findByModelIdOrderByCreatedAt(model.id()).stream().map(this::view).toList());
    }

    private ModelVersionView view(ModelVersion version) {
        long size = artifacts.findById(version.artifactSha256()).map(Artifact::sizeBytes).orElse(0L);
        return new ModelVersionView(version.id(), version.modelId(), version.versionTag(), version.artifactSha256(),
                size, fromJson(version.descriptor()), version.createdBy(), version.createdAt());
    }

    private String toJson(ModelDescriptor descriptor) {
        try {
            return json.writeValueAsString(descriptor);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ModelDescriptor fromJson(String descriptor) {
        try {
            return json.readValue(descriptor, ModelDescriptor.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Stored descriptor is not readable", e);
        }
    }

    private static AuditLog.Target target(Project project, String type, UUID id) {
        return new AuditLog.Target(project.organizationId(), project.id(), type, id.toString());
    }
}
