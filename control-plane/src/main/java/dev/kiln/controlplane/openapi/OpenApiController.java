package dev.kiln.controlplane.openapi;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Options;
import io.micronaut.http.annotation.Produces;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the OpenAPI document that micronaut-openapi writes at build time (DESIGN §4.4): {@code GET /openapi.yml}
 * and {@code OPTIONS /}, plus a browsable Swagger UI at {@code /openapi} whose scripts come from the swagger-ui
 * webjar on the classpath, so the page loads nothing from outside the control plane. All open: these paths are
 * outside the security filter's /api/** pattern.
 */
@Hidden
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
class OpenApiController {

    static final String DOCUMENT = "META-INF/swagger/kiln.yml";
    static final String YAML_TYPE = "application/yaml";
    static final MediaType YAML = MediaType.of(YAML_TYPE);
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final Set<String> ASSETS = Set.of("swagger-ui.css", "swagger-ui-bundle.js",
            "swagger-ui-standalone-preset.js", "favicon-16x16.png", "favicon-32x32.png");

    /** Starts Swagger UI: a file rather than an inline script, so the page needs no 'unsafe-inline' in its CSP. */
    private static final String INIT_FILE = "kiln-init.js";
    private static final String INIT_SCRIPT = """
            window.ui = SwaggerUIBundle({ url: document.getElementById("swagger-ui").dataset.url, dom_id: "#swagger-ui", deepLinking: true,
              presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout",
              validatorUrl: null });
            """;

    private final Map<String, byte[]> assets = new ConcurrentHashMap<>();
    private final byte[] document;
    private final byte[] jsonDocument;
    private final String uiVersion;
    private final String page;

    OpenApiController(JsonMapper json) {
        this.document = read(DOCUMENT);
        this.jsonDocument = toJson(json, document);
        this.uiVersion = webjarVersion();
        this.page = """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <title>Kiln API</title>
                  <link rel="stylesheet" href="/openapi/assets/swagger-ui.css">
                  <link rel="icon" type="image/png" href="/openapi/assets/favicon-32x32.png">
                </head>
                <body>
                  <div id="swagger-ui" data-url="/openapi.yml"></div>
                  <script src="/openapi/assets/swagger-ui-bundle.js"></script>
                  <script src="/openapi/assets/swagger-ui-standalone-preset.js"></script>
                  <script src="/openapi/assets/kiln-init.js"></script>
                </body>
                </html>
                """;
    }

    @Get(uri = "/openapi.yml", produces = YAML_TYPE)
    HttpResponse<byte[]> document() {
        return HttpResponse.ok(document).contentType(YAML);
    }

    /** YAML, or JSON for clients that ask for it with {@code Accept: application/json}. */
    @Options("/")
    @Produces({YAML_TYPE, MediaType.APPLICATION_JSON})
    HttpResponse<byte[]> options(HttpRequest<?> request) {
        boolean json = request.accept().stream().anyMatch(MediaType.APPLICATION_JSON_TYPE::equals);
        return json ? HttpResponse.ok(jsonDocument).contentType(MediaType.APPLICATION_JSON_TYPE) : document();
    }

    private static byte[] toJson(JsonMapper json, byte[] yaml) {
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(new String(yaml, StandardCharsets.UTF_8));
        try {
            return json.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get(uri = "/openapi", produces = MediaType.TEXT_HTML)
    HttpResponse<String> ui() {
        return HttpResponse.ok(page).contentType(MediaType.TEXT_HTML + ";charset=utf-8");
    }

    @Get(uri = "/openapi/ui", produces = MediaType.TEXT_HTML)
    HttpResponse<String> uiAlias() {
        return ui();
    }

    @Get(uri = "/openapi/assets/{file}", produces = MediaType.ALL)
    HttpResponse<?> asset(String file) {
        if (INIT_FILE.equals(file)) {
            return HttpResponse.ok(INIT_SCRIPT).contentType(MediaType.of("text/javascript"));
        }
        if (!ASSETS.contains(file)) {
            return HttpResponse.notFound();
        }
        MediaType type = file.endsWith(".css") ? MediaType.of("text/css")
                : file.endsWith(".png") ? MediaType.IMAGE_PNG_TYPE : MediaType.of("text/javascript");
        return HttpResponse.ok(assets.computeIfAbsent(file, f -> read(WEBJAR + uiVersion + "/" + f))).contentType(type)
                .header("Cache-Control", "public, max-age=86400");
    }

    private static String webjarVersion() {
        Properties properties = new Properties();
        try (InputStream in = open("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static byte[] read(String resource) {
        try (InputStream in = open(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("Missing classpath resource " + resource
                    + " (the OpenAPI document and the swagger-ui webjar come with the build)");
        }
        return in;
    }
}
