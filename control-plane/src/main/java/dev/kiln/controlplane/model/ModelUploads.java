package dev.kiln.controlplane.model;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ConflictException;
import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.model.Views.ModelVersionView;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.onnx.DescriptorOverrides;
import dev.kiln.onnx.InvalidModelException;
import dev.kiln.protocol.DescriptorOptions;
import dev.kiln.protocol.ModelDescriptor;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A model version upload, decided before its body is read: the caller's role on the model's project first, then a
 * hold on the upload spool. Only then is the multipart body read, the file streamed into the spool while its SHA-256
 * is computed (413 the moment it passes the limit), loaded once with ONNX Runtime in a child JVM, and stored.
 * Whatever goes wrong, the spooled file is deleted and nothing is written.
 */
@Singleton
class ModelUploads {

    private static final Pattern VERSION_TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final ModelService models;
    private final ModelValidator validator;
    private final UploadSpool spool;
    private final UploadLimits limits;
    private final JsonMapper json;

    ModelUploads(ModelService models, ModelValidator validator, UploadSpool spool, UploadLimits limits,
                 JsonMapper json) {
        this.models = models;
        this.validator = validator;
        this.spool = spool;
        this.limits = limits;
        this.json = json;
    }

    /**
     * An upload as it arrives: the declared Content-Length (-1 when chunked), the multipart boundary (null when
     * the content type has none) and its body, claimed but not read: nothing of it is read (nor buffered by the
     * server) until the upload is allowed, and a refused upload's body is closed unread.
     */
    record Incoming(long declaredLength, @Nullable String boundary, BodyPipe body) {
    }

    ModelVersionView upload(Caller caller, UUID modelId, Incoming incoming) {
        try (BodyPipe unread = incoming.body()) {
            return allowedUpload(caller, modelId, incoming);
        }
    }

    private ModelVersionView allowedUpload(Caller caller, UUID modelId, Incoming incoming) {
        Model model = models.model(caller, modelId, Role.MEMBER);
        if (incoming.declaredLength() > limits.maxFileBytes() + UploadBody.MAX_TEXT_BYTES * 2L + 64 * 1024) {
            throw new UploadTooLargeException(limits.maxFileBytes());
        }
        if (incoming.boundary() == null || incoming.boundary().isBlank()) {
            throw InvalidInputException.field("file", "must come as multipart/form-data with a boundary",
                    "value_error.multipart");
        }
        try (UploadSpool.Hold hold = spool.hold(incoming.declaredLength())) {
            incoming.body().open();
            UploadBody.Received received = UploadBody.read(incoming.body(), incoming.boundary(), spool.dir(),
                    hold, limits.maxFileBytes());
            try {
                return store(caller, model, received);
            } finally {
                deleteQuietly(received.file());
            }
        }
    }

    private ModelVersionView store(Caller caller, Model model, UploadBody.Received received) {
        String versionTag = received.versionTag();
        String tag = versionTag == null || versionTag.isBlank() ? models.nextVersionTag(model.id()) : versionTag.trim();
        DescriptorOverrides overrides = checkRequest(received.file(), tag, received.descriptor(), model);
        if (models.versionTagTaken(model.id(), tag)) {
            throw new ConflictException("Version '" + tag + "' of this model already exists.");
        }
        UploadBody.SpooledFile file = received.file();
        ModelDescriptor descriptor = inspect(file.path(), overrides);
        DescriptorOptionsCheck.check(descriptor.outputAdapter(), overrides.options());
        return models.addVersion(caller, model, tag, file.path(), file.sha256(), descriptor);
    }

    private DescriptorOverrides checkRequest(@Nullable UploadBody.SpooledFile file, String tag, @Nullable String descriptor,
                                             Model model) {
        Problems problems = new Problems();
        if (file == null) {
            problems.add("file", "the ONNX file is required as the multipart part 'file'", "value_error.missing");
        }
        if (!VERSION_TAG.matcher(tag).matches()) {
            problems.add("versionTag", "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a "
                    + "letter or digit", "value_error.version_tag");
        }
        DescriptorOverrides overrides = DescriptorOverrides.NONE;
        if (descriptor != null && !descriptor.isBlank()) {
            try {
                overrides = json.readValue(descriptor, DescriptorOverrides.class);
            } catch (IOException | RuntimeException e) {
                problems.add("descriptor", "is not a valid descriptor JSON object: " + e.getMessage(),
                        "value_error.json");
            }
        }
        problems.throwIfAny("The upload is not valid.");
        if (overrides.outputAdapter() != null && DescriptorOptions.ADAPTERS.contains(overrides.outputAdapter())) {
            DescriptorOptionsCheck.check(overrides.outputAdapter(), overrides.options()); // before the inspection
        }
        return withModelTask(overrides, model);
    }

    /** A model created with a task passes it to the inspector unless the upload's descriptor says otherwise. */
    private static DescriptorOverrides withModelTask(DescriptorOverrides o, Model model) {
        if (o.task() != null || ModelService.AUTO_TASK.equals(model.task())) {
            return o;
        }
        return new DescriptorOverrides(model.task(), o.outputAdapter(), o.outputs(), o.input(), o.labels(),
                o.options());
    }

    private ModelDescriptor inspect(Path file, DescriptorOverrides overrides) {
        try {
            return validator.inspect(file, overrides);
        } catch (InvalidModelException e) {
            throw new InvalidInputException(e.getMessage(),
                    List.of(Problems.body("file", e.getMessage(), "value_error.onnx")));
        }
    }

    private static void deleteQuietly(@Nullable UploadBody.SpooledFile file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file.path());
            } catch (IOException ignored) {
                // A leftover is harmless: the spool is scratch space, and its bytes were released from the hold.
            }
        }
    }
}
