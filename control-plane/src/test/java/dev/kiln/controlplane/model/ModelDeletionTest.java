package dev.kiln.controlplane.model;

import dev.kiln.controlplane.audit.AuditEventRepository;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.SampleModels;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DELETE /api/v1/models/{id} and /api/v1/model-versions/{id} (DESIGN §4.4): MEMBER and up, like every model write;
 * 409 while a deployment runs the version; an artifact goes only when no version references its hash any more.
 */
@MicronautTest(transactional = false)
class ModelDeletionTest extends ApiTest {

    private static final Path MOBILENET = SampleModels.path("mobilenet_v3_small.onnx");

    @Inject
    ArtifactStore store;
    @Inject
    AuditEventRepository audit;
    @Inject
    Tenants tenants;

    @Test
    void aVersionSharingItsFileWithAnotherGoesAloneAndTheFileGoesWithTheLastOne() throws IOException {
        String modelId = newModel();
        Path unique = uniqueCopy(MOBILENET);
        Api.Response first = upload(modelId, "a", unique);
        Api.Response second = upload(modelId, "b", unique);
        String sha = first.get("sha256");

        assertThat(admin.delete("/api/v1/model-versions/" + first.get("id")).status()).isEqualTo(204);

        assertThat(admin.get("/api/v1/model-versions/" + first.get("id")).status()).isEqualTo(404);
        assertThat(store.size(sha)).as("still referenced by the second version").isPresent();
        assertThat(admin.delete("/api/v1/models/" + modelId).status()).isEqualTo(204);
        assertThat(admin.get("/api/v1/models/" + modelId).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/model-versions/" + second.get("id")).status()).isEqualTo(404);
        assertThat(store.size(sha)).as("no version references it any more").isEmpty();
        assertThat(audit.findByTargetIdOrderById(first.get("id")))
                .anySatisfy(e -> assertThat(e.action()).isEqualTo("model_version.delete"));
        assertThat(audit.findByTargetIdOrderById(modelId))
                .anySatisfy(e -> assertThat(e.action()).isEqualTo("model.delete"));
    }

    @Test
    void aVersionOrModelThatADeploymentRunsIs409NamingItAndStays() {
        String modelId = newModel();
        Api.Response version = upload(modelId, "v1");
        String deployment = "uses-it-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/v1/projects/" + defaultProjectId() + "/deployments",
                Map.of("name", deployment, "modelVersionId", version.get("id"), "instances", 0)).status())
                .isEqualTo(201);

        Api.Response versionRefused = admin.delete("/api/v1/model-versions/" + version.get("id"));
        Api.Response modelRefused = admin.delete("/api/v1/models/" + modelId);

        assertThat(versionRefused.status()).isEqualTo(409);
        assertThat(versionRefused.get("message")).contains("'" + deployment + "'");
        assertThat(modelRefused.status()).isEqualTo(409);
        assertThat(admin.get("/api/v1/model-versions/" + version.get("id")).status()).isEqualTo(200);
        assertThat(store.size(version.get("sha256"))).isPresent();
    }

    @Test
    void anotherTenantGets404AndAViewer403AndNothingIsDeleted() {
        String modelId = newModel();
        Api.Response version = upload(modelId, "v1");
        Api stranger = anonymous.login(tenants.create(Role.OWNER).user().email(), Tenants.PASSWORD);
        String orgId = (String) admin.get("/api/v1/organizations").list().getFirst().get("id");
        Api viewer = anonymous.login(tenants.user(UUID.fromString(orgId), Role.VIEWER).email(), Tenants.PASSWORD);

        assertThat(stranger.delete("/api/v1/model-versions/" + version.get("id")).status()).isEqualTo(404);
        assertThat(stranger.delete("/api/v1/models/" + modelId).status()).isEqualTo(404);
        assertThat(viewer.delete("/api/v1/model-versions/" + version.get("id")).status()).isEqualTo(403);
        assertThat(viewer.delete("/api/v1/models/" + modelId).status()).isEqualTo(403);
        assertThat(anonymous.delete("/api/v1/models/" + modelId).status()).isEqualTo(401);
        assertThat(admin.get("/api/v1/model-versions/" + version.get("id")).status()).isEqualTo(200);
    }

    private String newModel() {
        Api.Response r = admin.post("/api/v1/projects/" + defaultProjectId() + "/models",
                Map.of("name", "deletable-" + UUID.randomUUID().toString().substring(0, 8)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.get("id");
    }

    private Api.Response upload(String modelId, String tag) {
        return upload(modelId, tag, MOBILENET);
    }

    private Api.Response upload(String modelId, String tag, Path file) {
        Api.Response r = admin.upload("/api/v1/models/" + modelId + "/versions", file, Map.of("versionTag", tag));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r;
    }

    /**
     * The model with a random unknown protobuf field (number 1000, 16 bytes) appended: the same network under a hash
     * no other test's upload shares, since the test database is shared.
     */
    private static Path uniqueCopy(Path model) throws IOException {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Path copy = Files.createTempFile("unique-", ".onnx");
        copy.toFile().deleteOnExit();
        Files.copy(model, copy, StandardCopyOption.REPLACE_EXISTING);
        Files.write(copy, new byte[]{(byte) 0xC2, 0x3E, 0x10}, StandardOpenOption.APPEND);
        Files.write(copy, salt, StandardOpenOption.APPEND);
        return copy;
    }
}
