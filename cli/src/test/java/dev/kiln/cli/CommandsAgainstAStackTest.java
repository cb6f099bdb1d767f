package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.cli.config.ConfigStore;
import dev.kiln.e2e.Stack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every command against a live stack (embedded Postgres, a control plane and a node, each its own process), run
 * in-process with its own config directory. The tests build on each other in order: push, deploy, predict, keys,
 * logs, delete, sharing one stack and one deployment.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandsAgainstAStackTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path MODEL = ROOT.resolve("deploy/demo/ppocr_v4_text_det.onnx");
    private static final Path DESCRIPTOR = ROOT.resolve("deploy/demo/ppocr_v4_text_det.descriptor.json");
    private static final Path IMAGE = ROOT.resolve("deploy/demo/sample.jpg");

    private static Stack stack;
    private static Path config;
    private static String versionId;
    private static String deploymentId;
    private static String key;

    @TempDir
    Path scratch;

    /** The processes' own account of what went wrong, when a test fails. */
    @RegisterExtension
    static final TestWatcher LOGS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            System.err.println("Logs of the stack after " + context.getDisplayName() + ":\n" + stack.logs());
        }
    };

    @BeforeAll
    static void startStack() throws IOException {
        stack = new Stack(ROOT, Files.createTempDirectory("cli-stack"),
                List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                .startControlPlane().startNode("node-a");
        config = Files.createTempDirectory("cli-config");
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** The CLI with the shared config directory, pointed at the stack by KILN_SERVER. */
    private static Cli cli() {
        return new Cli(config).env("KILN_SERVER", stack.url());
    }

    private Cli freshCli() {
        return new Cli(scratch).env("KILN_SERVER", stack.url());
    }

    @Test
    @Order(1)
    void loginWithAPasswordOnStdinKeepsTheSessionInAnOwnerOnlyFile() throws IOException {
        Cli.Result result = cli().runWithInput(Stack.ADMIN_PASSWORD + "\n", "login", "--email", Stack.ADMIN_EMAIL,
                "--password-stdin");

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("signed in to " + stack.url() + " as " + Stack.ADMIN_EMAIL + "\n");
        Path file = config.resolve("kiln/credentials.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).doesNotContain(Stack.ADMIN_PASSWORD);
    }

    @Test
    @Order(2)
    void orgsAndProjectsAreListedAsTablesAndJsonIsTheApiBodyExactly() {
        Cli.Result orgs = cli().run("orgs", "list");
        Cli.Result json = cli().run("orgs", "list", "--output", "json");
        Cli.Result projects = cli().run("projects", "list");

        assertThat(orgs.code()).isZero();
        assertThat(orgs.out().lines().toList()).first().asString().startsWith("ID").contains("NAME", "ROLE");
        assertThat(orgs.out()).contains("Default", "OWNER");
        assertThat(json.out().strip()).isEqualTo(api().get("/api/v1/organizations").body());
        assertThat(projects.code()).as(projects.err()).isZero();
        assertThat(projects.out()).contains("Default");
    }

    @Test
    @Order(3)
    void pushStreamsTheModelWithItsDescriptorAndPrintsTheVersionId() {
        Cli.Result result = cli().run("models", "push", MODEL.toString(), "--descriptor", DESCRIPTOR.toString());

        assertThat(result.code()).as(result.err()).isZero();
        versionId = result.out().strip();
        JsonNode version = api().get("/api/v1/model-versions/" + versionId).json();
        assertThat(version.path("sizeBytes").asLong()).isEqualTo(MODEL.toFile().length());
        assertThat(version.path("descriptor").path("outputAdapter").asText()).isEqualTo("prob_map");
        assertThat(cli().run("models", "list").out()).contains("ppocr_v4_text_det", versionId);
    }

    @Test
    @Order(4)
    void deployWaitsForOnlineWithProgressOnStderrAndPrintsTheDeploymentId() {
        Cli.Result result = cli().run("deploy", versionId, "--name", "text", "--instances", "1");

        assertThat(result.code()).as(result.err()).isZero();
        deploymentId = result.out().strip();
        assertThat(result.err().lines().toList()).last().asString()
                .isEqualTo("deploying text: ONLINE (1/1 instances ready)");
        assertThat(cli().run("deployments", "wait", deploymentId).out()).isEqualTo(deploymentId + "\n");
        assertThat(cli().run("deployments", "list").out()).contains(deploymentId, "text", "ONLINE", "1/1");
        assertThat(cli().run("deployments", "get", deploymentId).out()).contains("status:", "ONLINE");
        assertThat(cli().run("deployments", "get", deploymentId, "-o", "json").out().strip())
                .isEqualTo(api().get("/api/v1/deployments/" + deploymentId).body());
    }

    @Test
    @Order(5)
    void aKeyIsShownOnceAndPredictSendsTheImageWithRoutines() {
        Cli.Result created = cli().run("keys", "create", "--name", "cli-test", "-o", "json");
        key = Json.parse(created.out()).path("secret").asText();

        Cli.Result table = cli().env("KILN_KEY", key).run("predict", deploymentId, IMAGE.toString());
        Cli.Result json = cli().run("predict", deploymentId, IMAGE.toString(), "--key", key,
                "--routine", "FilterConfidence:{\"confidence\":0.5}", "--routine", "Histogram", "-o", "json");

        assertThat(key).startsWith("kiln_");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).startsWith("ANNOTATION").contains("text");
        JsonNode answer = Json.parse(json.out());
        assertThat(answer.path("deploymentId").asText()).isEqualTo(deploymentId);
        assertThat(answer.path("predictions")).isNotEmpty()
                .allSatisfy(p -> assertThat(p.path("confidence").asDouble()).isGreaterThanOrEqualTo(0.5));
        assertThat(answer.path("routines").has("Histogram")).isTrue();
        assertThat(cli().run("keys", "list").out()).contains("cli-test", "ACTIVE").doesNotContain(key);
    }

    @Test
    @Order(6)
    void aRotatedKeyGetsANewSecretAndARevokedOneIsRefused() {
        String id = keyId("cli-test");
        Cli.Result rotated = cli().run("keys", "rotate", id, "--grace", "0s");
        String secret = rotated.out().lines().filter(l -> l.startsWith("secret:")).findFirst().orElseThrow()
                .substring("secret:".length()).strip();

        Cli.Result revoked = cli().run("keys", "revoke", id);
        Cli.Result refused = cli().run("predict", deploymentId, IMAGE.toString(), "--key", secret);

        assertThat(rotated.code()).as(rotated.err()).isZero();
        assertThat(rotated.err()).contains("shown only now");
        assertThat(secret).startsWith("kiln_").isNotEqualTo(key);
        assertThat(revoked.out()).isEqualTo("revoked " + id + "\n");
        assertThat(refused.code()).isEqualTo(ExitCode.NOT_SIGNED_IN);
        assertThat(refused.err().lines()).singleElement().asString().startsWith("kiln: ").endsWith("(HTTP 401)");
    }

    @Test
    @Order(7)
    void badInputIsOneLineOnStderrWithTheDocumentedExitCode() {
        Cli.Result unknownDeployment = cli().run("deployments", "get", "00000000-0000-0000-0000-000000000000");
        Cli.Result missingFile = cli().run("models", "push", scratch.resolve("nothing.onnx").toString());
        Cli.Result unknownModel = cli().run("deploy", "00000000-0000-0000-0000-000000000000", "--name", "x");
        Cli.Result wrongConfirm = cli().run("deployments", "delete", deploymentId, "--confirm", "not-its-name");

        assertThat(unknownDeployment.code()).isEqualTo(ExitCode.API_ERROR);
        assertThat(unknownDeployment.err().lines()).singleElement().asString().startsWith("kiln: ").endsWith("(HTTP 404)");
        assertThat(missingFile.code()).isEqualTo(ExitCode.USAGE);
        assertThat(missingFile.err()).isEqualTo("kiln: no such file: " + scratch.resolve("nothing.onnx") + "\n");
        assertThat(unknownModel.code()).isEqualTo(ExitCode.API_ERROR);
        assertThat(unknownModel.err()).isEqualTo("kiln: no model or model version 00000000-0000-0000-0000-000000000000\n");
        assertThat(wrongConfirm.code()).isEqualTo(ExitCode.API_ERROR);
        assertThat(wrongConfirm.err().lines()).singleElement().asString().startsWith("kiln: ").endsWith("(HTTP 400)");
        assertThat(api().get("/api/v1/deployments/" + deploymentId).json().path("status").asText()).isNotEqualTo("DELETING");
    }

    @Test
    @Order(8)
    void aWrongPasswordOrAnUnknownTokenIsExitCodeThreeAndKeepsNoCredentials() {
        Cli.Result password = freshCli().runWithInput("wrong-password\n", "login", "--email", Stack.ADMIN_EMAIL,
                "--password-stdin");
        Cli.Result token = freshCli().run("login", "--token", "kiln_sat_" + "x".repeat(43));

        assertThat(password.code()).isEqualTo(ExitCode.NOT_SIGNED_IN);
        assertThat(password.err().lines()).singleElement().asString().startsWith("kiln: ").endsWith("(HTTP 401)");
        assertThat(token.code()).isEqualTo(ExitCode.NOT_SIGNED_IN);
        assertThat(token.err().lines()).hasSize(1);
        assertThat(Files.exists(scratch.resolve("kiln/credentials.json"))).isFalse();
    }

    @Test
    @Order(9)
    void aServiceAccountTokenSignsInAndSeesItsOrganizationsDeployments() {
        String org = api().get("/api/v1/organizations").json().path(0).path("id").asText();
        String account = api().post("/api/v1/organizations/" + org + "/service-accounts",
                Map.of("name", "ci", "role", "MEMBER")).json().path("id").asText();
        String token = api().post("/api/v1/organizations/" + org + "/service-accounts/" + account + "/tokens",
                Map.of("name", "pipeline")).json().path("token").asText();

        Cli.Result login = freshCli().run("login", "--token", token);
        Cli.Result list = freshCli().run("deployments", "list");

        assertThat(login.code()).as(login.err()).isZero();
        assertThat(login.out()).isEqualTo("signed in to " + stack.url() + " as a service account of Default\n");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains(deploymentId);
    }

    @Test
    @Order(10)
    void anExpiredAccessTokenIsRenewedWithTheRefreshTokenOnce() {
        ConfigStore store = ConfigStore.locate(Map.of("XDG_CONFIG_HOME", config.toString()));
        var credentials = store.load().credentials(stack.url());
        store.save(store.load().with(stack.url(), credentials.withTokens("not-a-token", credentials.refreshToken()), true));

        Cli.Result result = cli().run("orgs", "list");

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(store.load().credentials(stack.url()).accessToken()).isNotEqualTo("not-a-token");
    }

    @Test
    @Order(11)
    void withSeveralProjectsTheLastChosenIsKeptAndANewLoginMustChoose() {
        String org = api().get("/api/v1/organizations").json().path(0).path("id").asText();
        api().post("/api/v1/organizations/" + org + "/projects", Map.of("name", "Second"));
        freshCli().runWithInput(Stack.ADMIN_PASSWORD + "\n", "login", "--email", Stack.ADMIN_EMAIL, "--password-stdin");

        Cli.Result remembered = cli().run("deployments", "list");
        Cli.Result ambiguous = freshCli().run("deployments", "list");
        Cli.Result chosen = freshCli().run("deployments", "list", "--project", "Second");

        assertThat(remembered.out()).contains(deploymentId);
        assertThat(ambiguous.code()).isEqualTo(ExitCode.USAGE);
        assertThat(ambiguous.err()).isEqualTo("kiln: you see several projects (Default, Second); choose one with --project\n");
        assertThat(chosen.code()).isZero();
        assertThat(chosen.out()).doesNotContain(deploymentId);
    }

    @Test
    @Order(12)
    void logsShowTheDeploymentsLinesAndFollowPrintsNewOnesAsTheyCome() {
        Cli.Result logs = cli().run("logs", deploymentId);
        StringWriter followed = new StringWriter();
        Io io = new Io(System.in, new PrintWriter(followed, true), new PrintWriter(new StringWriter(), true),
                Map.of("XDG_CONFIG_HOME", config.toString(), "KILN_SERVER", stack.url()), null);
        Thread follower = Thread.ofVirtual().start(() ->
                KilnCli.run(io, "logs", deploymentId, "--follow", "--interval", "200ms", "-n", "1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !followed.toString().isEmpty());

        Cli.Result scaled = cli().run("deployments", "scale", deploymentId, "--instances", "2");

        await().atMost(Duration.ofSeconds(10)).until(() -> followed.toString().contains("Scaling from 1 to 2"));
        follower.interrupt();
        assertThat(logs.code()).isZero();
        assertThat(logs.out()).contains("Status ONLINE");
        assertThat(scaled.out()).isEqualTo("scaling text (" + deploymentId + ") to 2 instances\n");
    }

    @Test
    @Order(13)
    void deleteWithTheDeploymentsNameStartsItsDeletion() {
        Cli.Result result = cli().run("deployments", "delete", deploymentId, "--confirm", "text");

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("deleting text (" + deploymentId + "): DELETING\n");
    }

    /** The CLI's own client, signed in with the shared config: for the setup the CLI has no command for. */
    private static KilnClient api() {
        Io io = new Io(System.in, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                Map.of("XDG_CONFIG_HOME", config.toString()), null);
        return new Context(io, stack.url(), Output.JSON).signedIn();
    }

    private static String keyId(String name) {
        String project = ConfigStore.locate(Map.of("XDG_CONFIG_HOME", config.toString())).load()
                .credentials(stack.url()).projectId();
        for (JsonNode k : api().get("/api/v1/projects/" + project + "/keys").json()) {
            if (name.equals(k.path("name").asText())) {
                return k.path("id").asText();
            }
        }
        throw new AssertionError("no key " + name);
    }
}
