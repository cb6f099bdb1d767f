package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.ConsoleMessage;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every snippet of {@code GET /api/v1/deployments/{id}/snippets}, with a real key and image path pasted in the way
 * the placeholders ask, runs against a live deployment and prints a prediction. curl, Python, Node and Java run
 * everywhere the build runs; Go, R, Ruby and C run where their tool is installed and are skipped, naming the tool,
 * where it is not. The browser snippet runs in Chromium on a page of the gateway's origin.
 */
@ExtendWith(Dashboard.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedSnippetsTest {
    private static final long RUN_TIMEOUT_SECONDS = 180;

    private LiveStack stack;
    private String deploymentId;
    private String secret;
    private JsonNode snippets;
    private Path image;
    /** Serves the sample image on loopback for the url variants (the tests' node may fetch private addresses). */
    private HttpServer imageServer;

    @BeforeAll
    void deployment(LiveStack stack, @TempDir Path dir) {
        this.stack = stack;
        deploymentId = stack.onlineDeployment(LiveStack.unique("snippets"));
        secret = stack.newKey(LiveStack.unique("snippets"));
        Api.Reply reply = stack.admin().get("/api/v1/deployments/" + deploymentId + "/snippets");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        snippets = reply.body();
        image = SampleImage.file(dir);
        imageServer = startImageServer();
    }

    @AfterAll
    void stopImageServer() {
        imageServer.stop(0);
    }

    @Test
    void theCurlUrlVariantPrintsAPredictionOfAnImageTheDeploymentDownloads(@TempDir Path dir) {
        assertPrediction(runUrlVariant(dir, "predict.sh", "curl", List.of("sh", "predict.sh")));
    }

    @Test
    void thePythonUrlVariantPrintsAPredictionOfAnImageTheDeploymentDownloads(@TempDir Path dir) {
        assertPrediction(runUrlVariant(dir, "predict.py", "python", List.of("python3", "predict.py")));
    }

    @Test
    void theCurlSnippetPrintsAPrediction(@TempDir Path dir) {
        assertPrediction(run(dir, "predict.sh", "curl", List.of("sh", "predict.sh"), Map.of()));
    }

    @Test
    void thePythonSnippetPrintsAPrediction(@TempDir Path dir) {
        assertPrediction(run(dir, "predict.py", "python", List.of("python3", "predict.py"), Map.of()));
    }

    @Test
    void theNodeSnippetPrintsAPredictionWithNoPackageInstalled(@TempDir Path dir) {
        assertPrediction(run(dir, "predict.js", "node", List.of("node", "predict.js"), Map.of()));
    }

    @Test
    void theJavaSnippetPrintsAPredictionAsASingleFileProgram(@TempDir Path dir) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertPrediction(run(dir, "Predict.java", "java", List.of(java, "Predict.java"), Map.of()));
    }

    @Test
    void theGoSnippetPrintsAPrediction(@TempDir Path dir) {
        assumeTrue(succeeds(dir, List.of("go", "version")), "go is not installed");
        assertPrediction(run(dir, "main.go", "go", List.of("go", "run", "main.go"),
                Map.of("GOCACHE", dir.resolve("gocache").toString())));
    }

    @Test
    void theRubySnippetPrintsAPrediction(@TempDir Path dir) {
        assumeTrue(succeeds(dir, List.of("ruby", "--version")), "ruby is not installed");
        assertPrediction(run(dir, "predict.rb", "ruby", List.of("ruby", "predict.rb"), Map.of()));
    }

    @Test
    void theRSnippetPrintsAPrediction(@TempDir Path dir) {
        assumeTrue(succeeds(dir, List.of("Rscript", "-e", "library(httr); library(jsonlite)")),
                "Rscript with the packages httr and jsonlite is not installed");
        assertPrediction(run(dir, "predict.R", "r", List.of("Rscript", "predict.R"), Map.of()));
    }

    @Test
    void theCSnippetBuildsWithLibcurlAndPrintsAPrediction(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("probe.c"), "#include <curl/curl.h>\nint main(void) { return 0; }\n");
        assumeTrue(succeeds(dir, List.of("cc", "probe.c", "-lcurl", "-o", "probe")),
                "cc with libcurl's headers and library (Debian: libcurl4-openssl-dev) is not installed");
        Output build = run(dir, "predict.c", "c", List.of("cc", "-Wall", "-Werror", "predict.c", "-lcurl", "-o", "predict"),
                Map.of());
        assertThat(build.exitCode()).as(build.toString()).isZero();
        assertPrediction(execute(dir, List.of("./predict"), Map.of()));
    }

    @Test
    void theBrowserSnippetLogsAPredictionInChromium(Ui ui) {
        Page page = ui.page();
        String origin = stack.url();
        // A page of the gateway's own origin, as a user's page calling it would be (no CORS in the way), serving
        // the image at the placeholder's relative path.
        page.route(origin + "/snippet-host.html", route -> route.fulfill(new Route.FulfillOptions()
                .setContentType("text/html").setBody("<!doctype html><title>snippet</title>")));
        page.route(origin + "/path/to/image.jpg", route -> route.fulfill(new Route.FulfillOptions()
                .setContentType("image/jpeg").setBodyBytes(SampleImage.jpeg())));
        page.navigate(origin + "/snippet-host.html");
        String code = snippets.get("javascript").asText().replace("YOUR_SECRET_KEY", secret);

        ConsoleMessage message = page.waitForConsoleMessage(new Page.WaitForConsoleMessageOptions()
                        .setPredicate(m -> m.type().equals("log") || m.type().equals("error")).setTimeout(120_000),
                () -> page.addScriptTag(new Page.AddScriptTagOptions().setContent(code)));

        assertThat(message.type()).as(message.text()).isEqualTo("log");
        assertPrediction(new Output(0, message.text(), ""));
    }

    private void assertPrediction(Output output) {
        assertThat(output.exitCode()).as(output.toString()).isZero();
        JsonNode body;
        try {
            body = Api.JSON.readTree(output.stdout());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + output, e);
        }
        assertThat(body.path("deploymentId").asText()).as(output.toString()).isEqualTo(deploymentId);
        assertThat(body.path("predictId").asText()).isNotBlank();
        assertThat(body.path("model").path("task").asText()).isEqualTo("object_detection");
        assertThat(body.path("predictions").isArray()).as(output.toString()).isTrue();
    }

    /** Writes the snippet of {@code language}, with the key and image path pasted in, to {@code file} and runs it. */
    private Output run(Path dir, String file, String language, List<String> command, Map<String, String> env) {
        String code = snippets.get(language).asText();
        assertThat(code).contains("YOUR_SECRET_KEY", "path/to/image.jpg");
        try {
            Files.writeString(dir.resolve(file), code.replace("YOUR_SECRET_KEY", secret)
                    .replace("path/to/image.jpg", image.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return execute(dir, command, env);
    }

    /** Writes the url variant of {@code language}, with the key and the local image's URL pasted in, and runs it. */
    private Output runUrlVariant(Path dir, String file, String language, List<String> command) {
        String code = snippets.path("urlVariants").path(language).asText();
        assertThat(code).contains("YOUR_SECRET_KEY", "https://example.com/image.jpg");
        String url = "http://127.0.0.1:" + imageServer.getAddress().getPort() + "/image.jpg";
        try {
            Files.writeString(dir.resolve(file), code.replace("YOUR_SECRET_KEY", secret)
                    .replace("https://example.com/image.jpg", url));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return execute(dir, command, Map.of());
    }

    private static HttpServer startImageServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] jpeg = SampleImage.jpeg();
            server.createContext("/image.jpg", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
                exchange.sendResponseHeaders(200, jpeg.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(jpeg);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Output(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private static Output execute(Path dir, List<String> command, Map<String, String> env) {
        try {
            Path out = Files.createTempFile(dir, "stdout", ".txt");
            Path err = Files.createTempFile(dir, "stderr", ".txt");
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(command + " did not finish in " + RUN_TIMEOUT_SECONDS + " s; stderr:\n"
                        + Files.readString(err));
            }
            return new Output(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether the command exists and exits 0 (a probe for an optional tool). */
    private static boolean succeeds(Path dir, List<String> command) {
        try {
            return execute(dir, command, Map.of()).exitCode() == 0;
        } catch (UncheckedIOException e) {
            return false;
        }
    }
}
