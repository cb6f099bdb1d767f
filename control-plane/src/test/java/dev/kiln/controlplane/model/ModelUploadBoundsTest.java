package dev.kiln.controlplane.model;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's upload bound: a body declared over the configured maximum (KILN_MODEL_MAX_BYTES, 2 MB here) is a 413
 * before any of it is read or spooled.
 */
@MicronautTest(transactional = false)
class ModelUploadBoundsTest extends ApiTest {

    private static final long DECLARED_BYTES = 50L * 1024 * 1024;

    @Inject
    ModelVersionRepository versions;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("micronaut.server.max-request-size", "2MB");
        properties.put("micronaut.server.multipart.max-file-size", "2MB");
        return properties;
    }

    @Test
    void anUploadDeclaringMoreThanTheMaximumIs413BeforeItIsReadAndStoresNothing() throws IOException {
        String modelId = newModel();

        String response = partialUpload(modelId, tokenOf(ADMIN_EMAIL, ADMIN_PASSWORD));

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(bodyOf(response).status()).isEqualTo(413);
        assertThat(versions.findVersionTagsByModelId(UUID.fromString(modelId))).isEmpty();
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

    /** Declares a 50 MB multipart upload and sends only its first part's headers; returns the answer. */
    private String partialUpload(String modelId, String token) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/models/" + modelId + "/versions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Type: multipart/form-data; boundary=b0und\r\n"
                    + "Content-Length: " + DECLARED_BYTES + "\r\n\r\n--b0und\r\nContent-Disposition: form-data; "
                    + "name=\"file\"; filename=\"m.onnx\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readResponse(socket.getInputStream());
        }
    }

    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = headers.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private ErrorBody bodyOf(String response) throws IOException {
        return json.readValue(response.substring(response.indexOf("\r\n\r\n") + 4), ErrorBody.class);
    }
}
