package dev.kiln.controlplane.model;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.SampleModels;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class ModelUploadTest extends ApiTest {

    static final Path SSDLITE = SampleModels.path("ssdlite320_mobilenet_v3.onnx");

    @Inject
    ArtifactStore store;
    @Inject
    ArtifactRepository artifacts;
    @Inject
    ModelVersionRepository versions;
    @Inject
    JdbcOperations jdbc;

    @Test
    void uploadingTheSsdliteSampleStoresItByHashWithAnInferredDetectionDescriptor() throws Exception {
        String modelId = newModel("detector");

        Api.Response r = admin.upload("/api/v1/models/" + modelId + "/versions", SSDLITE, Map.of());

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.map()).containsEntry("modelId", modelId).containsEntry("versionTag", "v1")
                .containsEntry("sha256", sha256(SSDLITE)).containsKeys("id", "createdAt");
        assertThat(((Number) r.map().get("sizeBytes")).longValue()).isEqualTo(Files.size(SSDLITE));
        @SuppressWarnings("unchecked")
        Map<String, Object> descriptor = (Map<String, Object>) r.map().get("descriptor");
        assertThat(descriptor).containsEntry("task", "object_detection").containsEntry("outputAdapter", "torchvision");
        assertThat(admin.get("/api/v1/model-versions/" + r.get("id")).map()).containsEntry("sha256", sha256(SSDLITE));
        assertThat(admin.get("/api/v1/models/" + modelId).map()).containsEntry("task", "object_detection");
    }

    @Test
    void theStoredArtifactStreamsBackByteForByte() throws Exception {
        String modelId = newModel("roundtrip");
        String sha = admin.upload("/api/v1/models/" + modelId + "/versions", SSDLITE, Map.of()).get("sha256");

        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            store.copyTo(sha, out);
        }

        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(sha);
        assertThat(store.size(sha)).contains(Files.size(SSDLITE));
        assertThat(store.size("0".repeat(64))).isEmpty();
    }

    @Test
    void theSameFileUploadedTwiceIsOneArtifactAndTwoVersions() throws Exception {
        String first = newModel("twice-a");
        String second = newModel("twice-b");

        Api.Response a = admin.upload("/api/v1/models/" + first + "/versions", SSDLITE, Map.of());
        Api.Response b = admin.upload("/api/v1/models/" + first + "/versions", SSDLITE, Map.of());
        Api.Response c = admin.upload("/api/v1/models/" + second + "/versions", SSDLITE, Map.of("versionTag", "prod-1"));

        assertThat(List.of(a.status(), b.status(), c.status())).containsOnly(201);
        assertThat(b.get("versionTag")).isEqualTo("v2");
        assertThat(c.get("versionTag")).isEqualTo("prod-1");
        assertThat(countRows("SELECT count(*) FROM artifacts WHERE sha256 = '" + sha256(SSDLITE) + "'")).isEqualTo(1);
        assertThat(versions.findByModelIdOrderByCreatedAt(UUID.fromString(first))).hasSize(2);
    }

    @Test
    void aTakenVersionTagIs409() {
        String modelId = newModel("tagged");
        admin.upload("/api/v1/models/" + modelId + "/versions", SSDLITE, Map.of("versionTag", "x1"));

        Api.Response again = admin.upload("/api/v1/models/" + modelId + "/versions", SSDLITE, Map.of("versionTag", "x1"));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.map()).containsEntry("error", "Conflict");
    }

    @Test
    void aFileThatIsNotOnnxIs400AndLeavesNothingBehind() throws Exception {
        String modelId = newModel("garbage");
        Path garbage = Files.createTempFile("not-a-model", ".onnx");
        Files.writeString(garbage, "this is not an ONNX model, only text\n".repeat(1000));
        long artifactsBefore = artifacts.count();

        Api.Response r = admin.upload("/api/v1/models/" + modelId + "/versions", garbage, Map.of());

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.map()).containsEntry("status", 400).containsEntry("error", "BadRequest");
        assertThat(r.body()).contains("\"loc\":[\"body\",\"file\"]");
        assertThat(artifacts.count()).isEqualTo(artifactsBefore);
        assertThat(countRows("SELECT count(*) FROM artifacts WHERE sha256 = '" + sha256(garbage) + "'")).isZero();
        assertThat(versions.findByModelIdOrderByCreatedAt(UUID.fromString(modelId))).isEmpty();
        assertThat(leftoverUploads()).isEmpty();
        Files.delete(garbage);
    }

    @Test
    void anUploadWithoutAFilePartIs400NamingTheField() {
        String modelId = newModel("nofile");

        Api.Response r = admin.upload("/api/v1/models/" + modelId + "/versions", null, Map.of("versionTag", "v9"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("\"loc\":[\"body\",\"file\"]");
    }

    @Test
    void aBadDescriptorIs400NamingTheField() {
        String modelId = newModel("baddescriptor");

        Api.Response r = admin.upload("/api/v1/models/" + modelId + "/versions", SSDLITE, Map.of("descriptor", "{nope"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("\"loc\":[\"body\",\"descriptor\"]");
        assertThat(leftoverUploads()).isEmpty();
    }

    @Test
    void aMisspelledOrOutOfRangeDescriptorOptionIs400NamingTheOption() {
        String modelId = newModel("badoption");

        Api.Response typo = admin.upload("/api/v1/models/" + modelId + "/versions", SSDLITE,
                Map.of("descriptor", "{\"outputAdapter\":\"torchvision\",\"options\":{\"confidense\":0.5}}"));
        Api.Response range = admin.upload("/api/v1/models/" + modelId + "/versions", SSDLITE,
                Map.of("descriptor", "{\"outputAdapter\":\"torchvision\",\"options\":{\"confidence\":7}}"));
        // The adapter is inferred by inspection here: the option is checked against it afterwards.
        Api.Response inferred = admin.upload("/api/v1/models/" + modelId + "/versions", SSDLITE,
                Map.of("descriptor", "{\"options\":{\"topK\":3}}"));

        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.body()).contains("\"loc\":[\"body\",\"descriptor\",\"options\",\"confidense\"]")
                .contains("not an option of the torchvision adapter");
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.body()).contains("\"options\",\"confidence\"]").contains("from 0 to 1");
        assertThat(inferred.status()).isEqualTo(400);
        assertThat(inferred.body()).contains("\"options\",\"topK\"]");
        assertThat(leftoverUploads()).isEmpty();
    }

    @Test
    void aDuplicateModelNameIs409() {
        String name = "dup-" + UUID.randomUUID();
        createModel(name);

        Api.Response r = admin.post("/api/v1/projects/" + defaultProjectId() + "/models", Map.of("name", name));

        assertThat(r.status()).isEqualTo(409);
    }

    @Test
    void modelsAreListedPerProject() {
        String id = createModel("listed-" + UUID.randomUUID());

        Api.Response r = admin.get("/api/v1/projects/" + defaultProjectId() + "/models");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.list()).anySatisfy(m -> assertThat(m).containsEntry("id", id).containsEntry("description", "test"));
    }

    /** A new model in the default project; names get a random suffix because the database is shared. */
    private String newModel(String name) {
        return createModel(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private String createModel(String exactName) {
        Api.Response r = admin.post("/api/v1/projects/" + defaultProjectId() + "/models",
                Map.of("name", exactName, "description", "test"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.get("id");
    }

    private long countRows(String sql) {
        return jdbc.execute(connection -> {
            try (var statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    private static List<Path> leftoverUploads() {
        Path dir = DATA_DIR.resolve("tmp");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) throws Exception {
        return ArtifactStore.sha256(file);
    }
}
