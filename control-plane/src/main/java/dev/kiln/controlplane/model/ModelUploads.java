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
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A model version upload: the file is copied to a temp file while its SHA-256 is computed, loaded once with
 * ONNX Runtime, and only then stored. Whatever goes wrong, the temp file is deleted and nothing is written.
 */
@Singleton
class ModelUploads {

    private static final Pattern VERSION_TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final ModelService models;
    private final ModelValidator validator;
    private final UploadConfig config;
    private final JsonMapper json;

    ModelUploads(ModelService models, ModelValidator validator, UploadConfig config, JsonMapper json) {
        this.models = models;
        this.validator = validator;
        this.config = config;
        this.json = json;
    }

    /** A file part as received: its bytes come from {@code content}, never all in memory. */
    record FilePart(String filename, InputStream content) {
    }

    ModelVersionView upload(Caller caller, UUID modelId, @Nullable FilePart file, @Nullable String versionTag,
                            @Nullable String descriptor) {
        Model model = models.model(caller, modelId, Role.MEMBER);
        String tag = versionTag == null || versionTag.isBlank() ? models.nextVersionTag(modelId) : versionTag.trim();
        DescriptorOverrides overrides = checkRequest(file, tag, descriptor, model);
        if (models.versionTagTaken(modelId, tag)) {
            throw new ConflictException("Version '" + tag + "' of this model already exists.");
        }
        Path temp = null;
        try {
            temp = Files.createTempFile(config.tempDir(), "upload-", ".onnx");
            String sha256 = copyAndHash(file.content(), temp);
            ModelDescriptor descriptorOut = inspect(temp, overrides);
            DescriptorOptionsCheck.check(descriptorOut.outputAdapter(), overrides.options());
            return models.addVersion(caller, model, tag, temp, sha256, descriptorOut);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private DescriptorOverrides checkRequest(@Nullable FilePart file, String tag, @Nullable String descriptor,
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
            DescriptorOptionsCheck.check(overrides.outputAdapter(), overrides.options()); // before the file is read
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

    private static String copyAndHash(InputStream content, Path target) throws IOException {
        MessageDigest digest = dev.kiln.controlplane.common.Secrets.sha256();
        try (InputStream in = content;
             OutputStream out = new DigestOutputStream(Files.newOutputStream(target), digest)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void deleteQuietly(@Nullable Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // A leftover temp file is harmless; the directory is scratch space.
            }
        }
    }
}
