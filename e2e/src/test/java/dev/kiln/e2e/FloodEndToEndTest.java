package dev.kiln.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 against real processes: a control plane with -Xmx512m (TestStacks) takes 40 clients sending ~16 MB base64
 * JPEGs to one deployment for 20 s while a second tenant calls its own deployment three times a second, then 128
 * anonymous 10 MB login bodies. It stays up; the flood gets only 200, 413, 429, 503 or a closed connection; the
 * other tenant's calls succeed (at least 90 % of at least 40); the logins are 413 without their bodies ever being
 * sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FloodEndToEndTest {

    private static final int FLOOD_BODY_BYTES = 16 * 1024 * 1024;

    private Stack stack;
    private Api admin;
    private Flood.Targets targets;

    @RegisterExtension
    final StackLogsOnFailure logsOnFailure = new StackLogsOnFailure(() -> stack);

    @BeforeAll
    void startStackAndDeployForTwoTenants() throws Exception {
        stack = TestStacks.create("kiln-e2e-flood");
        stack.startControlPlane().startNode("node-flood");
        admin = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
        String firstOrg = admin.get("/api/v1/organizations").body().get(0).get("id").asText();
        String secondOrg = admin.post("/api/v1/organizations", Map.of("name", "second-tenant")).body()
                .get("id").asText();
        Deployed flooded = deploy(firstOrg, "flooded");
        Deployed other = deploy(secondOrg, "other-tenant");
        String tenantBody = Api.json(Map.of("image_type", "base64",
                "data", Base64.getEncoder().encodeToString(Images.png(Images.scene()))));
        targets = new Flood.Targets(stack.url(), flooded.id(), flooded.key(), other.id(), other.key(), tenantBody);
        admin.awaitStatus(flooded.id(), "ONLINE");
        admin.awaitStatus(other.id(), "ONLINE");
        awaitStatus(() -> predict(other, tenantBody), 200);
        awaitStatus(() -> predict(flooded, tenantBody), 200);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aFloodOfLargeBodiesAndAnonymousLoginsLeavesTheControlPlaneServingEveryTenant() throws Exception {
        byte[] floodBody = Flood.paddedJpegBody(Images.scene(), FLOOD_BODY_BYTES);

        Flood.Result result = new Flood().run(targets, floodBody, 40, Duration.ofSeconds(20), 3, 128);

        System.out.println("flood: " + result);
        // -1: a flooding client whose refused body the server closed the connection on, unread, while it still sent.
        assertThat(result.flood().keySet()).as("flood statuses").isSubsetOf(-1, 200, 413, 429, 503);
        assertThat(result.flood().values().stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(40);
        assertThat(result.tenantCalls()).isGreaterThanOrEqualTo(40);
        assertThat(result.tenantOk()).as("the other tenant's calls: " + result.tenant())
                .isGreaterThanOrEqualTo((int) Math.ceil(result.tenantCalls() * 0.9));
        assertThat(result.logins()).as("login statuses").isEqualTo(Map.of(413, 128));
        assertThat(result.loginBurst()).isLessThan(Duration.ofSeconds(15));
        assertThat(admin.get("/api/v1/organizations").status()).as("the API still answers").isEqualTo(200);
        assertThat(predict(new Deployed(targets.tenantDeployment(), targets.tenantKey()), targets.tenantBody())
                .status()).isEqualTo(200);
    }

    private record Deployed(String id, String key) {
    }

    /** A classifier deployment with one instance in the organization's new project, and a key for it. */
    private Deployed deploy(String orgId, String name) {
        String projectId = admin.post("/api/v1/organizations/" + orgId + "/projects", Map.of("name", name))
                .body().get("id").asText();
        String modelId = admin.post("/api/v1/projects/" + projectId + "/models",
                Map.of("name", "classifier", "task", "classification")).body().get("id").asText();
        Api.Reply version = admin.uploadVersion(modelId, sampleModel("mobilenet_v3_small.onnx"), "v1", null);
        assertThat(version.status()).as(version.raw().body()).isIn(200, 201);
        Api.Reply created = admin.post("/api/v1/projects/" + projectId + "/deployments",
                Map.of("name", name, "modelVersionId", version.body().get("id").asText(), "instances", 1));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        JsonNode key = admin.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", name)).body();
        return new Deployed(created.body().get("id").asText(), key.get("secret").asText());
    }

    private Api.Reply predict(Deployed deployed, String body) {
        return admin.raw(HttpRequest.newBuilder(URI.create(stack.url() + "/" + deployed.id() + "/predict"))
                .header("Authorization", "Bearer " + deployed.key()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Repeats {@code call} until it answers {@code status}, for what the gateway learns of shortly after. */
    private static void awaitStatus(Supplier<Api.Reply> call, int status) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        Api.Reply reply = call.get();
        while (reply.status() != status && Instant.now().isBefore(deadline)) {
            AppProcess.sleep(250);
            reply = call.get();
        }
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(status);
    }

    private static Path sampleModel(String file) {
        for (String base : new String[] {"../shared/models", "../../shared/models"}) {
            Path p = Path.of(base, file);
            if (Files.exists(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("sample model " + file + " not found under ../shared/models");
    }
}
