package dev.kiln.controlplane.openapi;

import dev.kiln.controlplane.support.ApiTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.MethodBasedRouteInfo;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The build-time OpenAPI document, served at /openapi.yml and OPTIONS /, and its browsable UI. */
@MicronautTest(transactional = false)
class OpenApiTest extends ApiTest {

    /** Routes deliberately left out of the document besides /internal/** (node-facing): the document itself. */
    private static final Set<String> UNDOCUMENTED = Set.of("/openapi.yml", "/", "/openapi", "/openapi/ui",
            "/openapi/assets/{file}");

    @Inject
    Router router;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void documentIsOpenYamlWithSecuritySchemes() throws Exception {
        HttpResponse<String> r = send("GET", "/openapi.yml");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/yaml"));
        Map<String, Object> doc = new Yaml().load(r.body());
        assertThat(doc).containsKey("openapi");
        assertThat(map(doc, "info")).containsEntry("title", "Kiln");
        Map<String, Object> schemes = map(map(doc, "components"), "securitySchemes");
        assertThat(map(schemes, "bearerAuth")).containsEntry("type", "http").containsEntry("scheme", "bearer")
                .containsEntry("bearerFormat", "JWT");
        assertThat(map(schemes, "projectKey")).containsEntry("type", "http").containsEntry("scheme", "bearer");
        assertThat(map(map(doc, "components"), "schemas")).containsKeys("ErrorBody", "PredictRequest", "Routine");
    }

    @Test
    void everyRouteIsDocumentedExceptInternalOnes() throws Exception {
        Map<String, Object> doc = new Yaml().load(send("GET", "/openapi.yml").body());
        Map<String, Object> paths = map(doc, "paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, operations) -> ((Map<?, ?>) operations).keySet()
                .forEach(method -> documented.add(method.toString().toUpperCase(Locale.ROOT) + " " + path)));

        Set<String> routes = new TreeSet<>();
        router.uriRoutes().forEach(route -> {
            String path = route.getUriMatchTemplate().toPathString();
            // Kiln's own controllers; HEAD routes are Micronaut's automatic twins of GET routes.
            if (ours(route) && !"HEAD".equals(route.getHttpMethodName()) && !path.startsWith("/internal/")
                    && !UNDOCUMENTED.contains(path)) {
                routes.add(route.getHttpMethodName() + " " + path);
            }
        });

        assertThat(routes).as("routes the router knows").isNotEmpty()
                .anyMatch(route -> route.startsWith("GET /api/v1/"))
                .contains("POST /{deploymentId}/predict");
        assertThat(documented).as("every route is in /openapi.yml").containsAll(routes);
        assertThat(documented).noneMatch(route -> route.contains(" /internal/"));
    }

    @Test
    void predictIsDescribedWithRoutinesAndExamples() throws Exception {
        String yaml = send("GET", "/openapi.yml").body();
        Map<String, Object> doc = new Yaml().load(yaml);
        Map<String, Object> predict = map(map(map(doc, "paths"), "/{deploymentId}/predict"), "post");

        assertThat(predict.get("security").toString()).contains("projectKey");
        Map<String, Object> examples = map(map(map(map(predict, "requestBody"), "content"), "application/json"),
                "examples");
        assertThat(examples).containsKeys("base64", "url", "array");
        for (String routine : new String[] {"FilterConfidence", "FilterClass", "ExcludeClass", "FilterIOU",
                "Histogram", "ActiveLearning"}) {
            assertThat(yaml).contains("name: " + routine);
        }
        assertThat(map(predict, "responses")).containsKey("200");
        assertThat(map(map(map(doc, "paths"), "/api/v1/me"), "get").get("security").toString())
                .contains("bearerAuth");
    }

    @Test
    void optionsOnTheRootReturnsTheDocument() throws Exception {
        HttpResponse<String> options = send("OPTIONS", "/");

        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/yaml"));
        assertThat(options.body()).isEqualTo(send("GET", "/openapi.yml").body());
        assertThat(send("GET", "/openapi.yml", "application/yaml").statusCode()).isEqualTo(200);
        assertThat(send("OPTIONS", "/", "application/yaml").statusCode()).isEqualTo(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void optionsOnTheRootAnswersJsonWhenAskedFor() throws Exception {
        HttpResponse<String> options = send("OPTIONS", "/", "application/json");

        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        Map<String, Object> document = json.readValue(options.body(), Map.class);
        assertThat(document).containsKeys("openapi", "paths");
        assertThat((Map<String, Object>) document.get("paths")).containsKey("/{deploymentId}/predict");
    }

    @Test
    void uiLoadsEverythingFromTheControlPlane() throws Exception {
        HttpResponse<String> page = send("GET", "/openapi", "text/html,application/xhtml+xml,*/*;q=0.8");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("/openapi.yml").doesNotContain("http://", "https://", "//cdn");
        assertThat(send("GET", "/openapi/ui").body()).isEqualTo(page.body());

        Matcher assets = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
        int loaded = 0;
        while (assets.find()) {
            String asset = assets.group(1);
            assertThat(asset).startsWith("/openapi/assets/");
            HttpResponse<String> r = send("GET", asset, asset.endsWith(".css") ? "text/css,*/*;q=0.1" : "*/*");
            assertThat(r.statusCode()).as(asset).isEqualTo(200);
            assertThat(r.body()).as(asset).isNotEmpty();
            loaded++;
        }
        assertThat(loaded).isGreaterThanOrEqualTo(3);
        assertThat(send("GET", "/openapi/assets/index.html").statusCode()).isEqualTo(404);
    }

    private static boolean ours(UriRouteInfo<?, ?> route) {
        return route instanceof MethodBasedRouteInfo<?, ?> method
                && method.getTargetMethod().getDeclaringType().getPackageName().startsWith("dev.kiln.");
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return send(method, path, "*/*");
    }

    private HttpResponse<String> send(String method, String path, String accept)
            throws IOException, InterruptedException {
        URI uri = URI.create(server.getURL().toString() + path);
        return http.send(HttpRequest.newBuilder(uri).header("Accept", accept)
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (Map<String, Object>) parent.get(key);
    }
}
