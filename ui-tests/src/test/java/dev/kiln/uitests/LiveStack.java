package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.kiln.e2e.AppProcess;
import dev.kiln.e2e.Stack;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One whole Kiln (embedded Postgres, the control plane serving the dashboard, one inference node, each its own
 * process, as {@code mvn package} left them in the modules' target folders) for the whole test run: started by the
 * first test that asks for it and closed when JUnit finishes. Also the API-side set-up the scenarios need.
 */
final class LiveStack implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    /** Surefire runs in the module directory; the repository root is its parent. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path DETECTOR = sampleModel("ssdlite320_mobilenet_v3.onnx");
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Duration ONLINE_TIMEOUT = Duration.ofSeconds(120);

    private final Stack stack;
    private final Path home;
    private final Api admin;
    private final String projectId;
    private GreenMail mail;

    private LiveStack(Stack stack, Path home) {
        this.stack = stack;
        this.home = home;
        this.admin = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
        JsonNode org = admin.get("/api/v1/organizations").body().get(0);
        this.projectId = admin.get("/api/v1/organizations/" + org.get("id").asText() + "/projects").body()
                .get(0).get("id").asText();
    }

    static LiveStack get(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(LiveStack.class, key -> start(), LiveStack.class);
    }

    private static LiveStack start() {
        Path home;
        try {
            home = Files.createTempDirectory("kiln-ui-tests");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Stack stack = new Stack(ROOT, home, JVM_OPTIONS);
        try {
            stack.startControlPlane().startNode("node-a");
            return new LiveStack(stack, home);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    String url() {
        return stack.url();
    }

    String logs() {
        return stack.logs();
    }

    /**
     * A second control plane on the same database that sends its mail over SMTP to {@link #mail()}, a real SMTP
     * server in this JVM; started on first use, because the first one must stay without SMTP (temporary passwords).
     * Its links point at itself.
     */
    synchronized String mailingUrl() {
        if (mail == null) {
            mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
            mail.start();
            stack.withControlPlaneEnv(Map.of(
                    "KILN_SMTP_HOST", "127.0.0.1",
                    "KILN_SMTP_PORT", String.valueOf(mail.getSmtp().getPort()),
                    "KILN_SMTP_FROM", "kiln@ui-tests.example.com",
                    "KILN_PUBLIC_URL", stack.replicaUrl()));
            stack.startReplica();
        }
        return stack.replicaUrl();
    }

    /** What {@link #mailingUrl()}'s control plane has sent. */
    synchronized GreenMail mail() {
        mailingUrl();
        return mail;
    }

    /** The bootstrap admin, logged in over the API. */
    Api admin() {
        return admin;
    }

    /** The admin's first (bootstrap) project, the one the dashboard opens. */
    String projectId() {
        return projectId;
    }

    /** The admin's first (bootstrap) organization. */
    String organizationId() {
        return admin.get("/api/v1/organizations").body().get(0).get("id").asText();
    }

    /** An account the operator creates with {@code temporaryPassword}: it must choose its own at first sign-in. */
    String newUser(String temporaryPassword) {
        String email = unique("user") + "@example.com";
        Api.Reply created = admin.post("/api/v1/users", Map.of("email", email, "temporaryPassword", temporaryPassword));
        if (created.status() != 201) {
            throw new IllegalStateException("user creation failed: " + created.status() + " " + created.text());
        }
        return email;
    }

    /** An account that has already replaced its temporary password with {@code password}. */
    String userWithPassword(String password) {
        String temporary = "Temporary-" + UUID.randomUUID();
        String email = newUser(temporary);
        Api.Reply changed = new Api(url()).login(email, temporary)
                .post("/api/v1/me/password", Map.of("currentPassword", temporary, "newPassword", password));
        if (changed.status() / 100 != 2) {
            throw new IllegalStateException("password change failed: " + changed.status() + " " + changed.text());
        }
        return email;
    }

    /** A deployment of the sample detector created over the API, once it is ONLINE; returns its id. */
    String onlineDeployment(String name) {
        return onlineDeployment(name, Map.of());
    }

    /** {@link #onlineDeployment(String)} with more settings of the create request (e.g. captureGroups). */
    String onlineDeployment(String name, Map<String, Object> settings) {
        String modelId = admin.post("/api/v1/projects/" + projectId + "/models",
                Map.of("name", name + "-model")).body().get("id").asText();
        Api.Reply version = admin.uploadVersion(modelId, DETECTOR);
        if (version.status() != 201) {
            throw new IllegalStateException("upload failed: " + version.status() + " " + version.text());
        }
        Map<String, Object> request = new java.util.HashMap<>(settings);
        request.put("name", name);
        request.put("modelVersionId", version.body().get("id").asText());
        Api.Reply created = admin.post("/api/v1/projects/" + projectId + "/deployments", request);
        if (created.status() != 201) {
            throw new IllegalStateException("create failed: " + created.status() + " " + created.text());
        }
        String id = created.body().get("id").asText();
        awaitStatus(id, "ONLINE");
        return id;
    }

    /** A new project key's secret (shown once). */
    String newKey(String name) {
        Api.Reply key = admin.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", name));
        if (key.status() != 201) {
            throw new IllegalStateException("key creation failed: " + key.status() + " " + key.text());
        }
        return key.body().get("secret").asText();
    }

    JsonNode awaitStatus(String deploymentId, String status) {
        Instant deadline = Instant.now().plus(ONLINE_TIMEOUT);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = admin.get("/api/v1/deployments/" + deploymentId).body();
            if (last != null && status.equals(last.path("status").asText())) {
                return last;
            }
            AppProcess.sleep(250);
        }
        throw new AssertionError("deployment " + deploymentId + " not " + status + " in time; last seen: " + last);
    }

    /** A name no other test of this run uses (the stack is shared). */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Stops the apps and Postgres and removes their data and logs (a failed test has printed the logs). */
    @Override
    public void close() {
        stack.close();
        if (mail != null) {
            mail.stop();
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path sampleModel(String file) {
        for (String base : new String[] {"../shared/models", "../../shared/models"}) {
            Path p = Path.of(base, file);
            if (Files.exists(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("sample model " + file + " not found in ../shared/models");
    }
}
