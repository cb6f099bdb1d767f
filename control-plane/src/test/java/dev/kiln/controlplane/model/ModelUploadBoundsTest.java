package dev.kiln.controlplane.model;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.RawHttp;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's upload bounds, over a raw socket: who may upload is decided from the headers before any body byte is
 * read, the file streams into the spool (KILN_UPLOAD_SPOOL_DIR, bounded by KILN_UPLOAD_SPOOL_BYTES) and is a 413 the
 * moment it passes KILN_MODEL_MAX_BYTES (1 MB here), with nothing left behind.
 */
@MicronautTest(transactional = false)
class ModelUploadBoundsTest extends ApiTest {

    private static final long MB = 1024 * 1024;
    private static final Path SPOOL = DATA_DIR.resolve("spool-bounds-" + UUID.randomUUID());
    private static final String BOUNDARY = "b0und";
    private static final String FILE_PART_HEAD = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; "
            + "filename=\"m.onnx\"\r\nContent-Type: application/octet-stream\r\n\r\n";

    @Inject
    ModelVersionRepository versions;
    @Inject
    Tenants tenants;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("micronaut.server.max-request-size", "8MB");
        properties.put("kiln.uploads.max-file-bytes", "1MB");
        properties.put("kiln.uploads.spool-bytes", "1MB");
        properties.put("kiln.uploads.spool-dir", SPOOL.toString());
        return properties;
    }

    @Test
    void anotherTenantsMultiMegabyteUploadIs404FromItsHeadersAloneAndTheConnectionClosesUnread() throws IOException {
        String modelId = newModel();
        Tenants.Tenant stranger = tenants.create(Role.OWNER);

        RawHttp.Answer answer = headersOnly(modelId, tokenOf(stranger.user().email(), Tenants.PASSWORD), 4 * MB);

        assertThat(answer.response()).startsWith("HTTP/1.1 404");
        assertThat(bodyOf(answer.response()).status()).isEqualTo(404);
        assertThat(answer.closed()).as("the server closed instead of waiting for the body").isTrue();
        assertThat(spooled()).isEmpty();
    }

    @Test
    void aViewersUploadIs403BeforeItsBodyIsSent() throws IOException {
        String modelId = newModel();
        String orgId = (String) admin.get("/api/v1/organizations").list().getFirst().get("id");
        String viewer = tenants.user(UUID.fromString(orgId), Role.VIEWER).email();

        RawHttp.Answer answer = headersOnly(modelId, tokenOf(viewer, Tenants.PASSWORD), 4 * MB);

        assertThat(answer.response()).startsWith("HTTP/1.1 403");
        assertThat(bodyOf(answer.response()).status()).isEqualTo(403);
        assertThat(answer.closed()).isTrue();
        assertThat(spooled()).isEmpty();
    }

    @Test
    void anUploadDeclaringMoreThanTheMaximumIs413BeforeItIsReadAndStoresNothing() throws IOException {
        String modelId = newModel();

        RawHttp.Answer answer = headersOnly(modelId, tokenOf(ADMIN_EMAIL, ADMIN_PASSWORD), 50 * MB);

        assertThat(answer.response()).startsWith("HTTP/1.1 413");
        assertThat(bodyOf(answer.response()).status()).isEqualTo(413);
        assertThat(versions.findVersionTagsByModelId(UUID.fromString(modelId))).isEmpty();
    }

    @Test
    void aChunkedFileIs413TheMomentItPassesTheLimitAndNoPartOfItStaysInTheSpool() throws IOException {
        String modelId = newModel();
        byte[] body = chunked(multipart(new byte[(int) (MB + MB / 2)]));

        String response = RawHttp.send(server.getPort(), "POST /api/v1/models/" + modelId + "/versions",
                authorization(tokenOf(ADMIN_EMAIL, ADMIN_PASSWORD)) + "Transfer-Encoding: chunked\r\n", body);

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(bodyOf(response).message()).contains("larger than the limit of " + MB + " bytes");
        assertThat(spooled()).isEmpty();
        assertThat(versions.findVersionTagsByModelId(UUID.fromString(modelId))).isEmpty();
    }

    @Test
    void anUploadThatDoesNotFitTheSpoolIs503WithRetryAfterBeforeItIsRead() throws IOException {
        String modelId = newModel();

        RawHttp.Answer answer = headersOnly(modelId, tokenOf(ADMIN_EMAIL, ADMIN_PASSWORD), MB + 1);

        assertThat(answer.response()).startsWith("HTTP/1.1 503");
        assertThat(answer.response()).containsIgnoringCase("\r\nRetry-After: 1\r\n");
        assertThat(spooled()).isEmpty();
    }

    @Test
    void aPartThatIsNotOfTheUploadIs400NamingItAndLeavesNothingInTheSpool() throws IOException {
        String modelId = newModel();
        Path file = Files.write(Files.createTempFile("any-", ".onnx"), HugeTensorModel.bytes());
        file.toFile().deleteOnExit();

        Api.Response r = admin.upload("/api/v1/models/" + modelId + "/versions", file, Map.of("colour", "blue"));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("colour");
        assertThat(spooled()).isEmpty();
    }

    @Test
    void aModelWhoseDummyRunAllocatesAHugeTensorIs422AndTheControlPlaneKeepsServing() throws IOException {
        String modelId = newModel();
        Path file = Files.write(Files.createTempFile("huge-tensor-", ".onnx"), HugeTensorModel.bytes());
        file.toFile().deleteOnExit();

        Api.Response r = admin.upload("/api/v1/models/" + modelId + "/versions", file, Map.of());

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.get("message")).contains("memory");
        assertThat(versions.findVersionTagsByModelId(UUID.fromString(modelId))).isEmpty();
        assertThat(admin.get("/api/v1/models/" + modelId).status()).isEqualTo(200);
        assertThat(spooled()).isEmpty();
    }

    private String newModel() {
        Api.Response r = admin.post("/api/v1/projects/" + defaultProjectId() + "/models",
                Map.of("name", "bounded-" + UUID.randomUUID().toString().substring(0, 8)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.get("id");
    }

    private String tokenOf(String email, String password) {
        return anonymous.post("/api/v1/auth/login", Map.of("username", email, "password", password))
                .get("access_token");
    }

    private static String authorization(String token) {
        return "Authorization: Bearer " + token + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
                + "\r\n";
    }

    /** Declares a body of {@code declared} bytes and sends none of it: an answer can only come from the headers. */
    private RawHttp.Answer headersOnly(String modelId, String token, long declared) throws IOException {
        return RawHttp.headersOnly(server.getPort(), "POST /api/v1/models/" + modelId + "/versions",
                authorization(token) + "Content-Length: " + declared + "\r\n");
    }

    private static byte[] multipart(byte[] file) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(FILE_PART_HEAD.getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /** {@code body} in chunks of 64 KB: no Content-Length for the server to judge it by. */
    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += 64 * 1024) {
            int n = Math.min(64 * 1024, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private ErrorBody bodyOf(String response) throws IOException {
        return json.readValue(response.substring(response.indexOf("\r\n\r\n") + 4), ErrorBody.class);
    }

    private static List<Path> spooled() throws IOException {
        if (!Files.isDirectory(SPOOL)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(SPOOL)) {
            return files.toList();
        }
    }
}
