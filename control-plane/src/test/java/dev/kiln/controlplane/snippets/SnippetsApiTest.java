package dev.kiln.controlplane.snippets;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.SampleModels;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/v1/deployments/{id}/snippets without a configured public URL: the base comes from the Host header. */
@MicronautTest(transactional = false)
class SnippetsApiTest extends ApiTest {

    static final List<String> LANGUAGES = List.of("curl", "python", "javascript", "node", "java", "go", "r", "ruby", "c");

    @Inject
    Tenants tenants;

    String projectId;
    String deploymentId;

    @BeforeAll
    void deployment() {
        clients();
        projectId = defaultProjectId();
        deploymentId = createDeployment(admin, projectId);
    }

    @Test
    void everyLanguageIsAProgramCallingThePredictUrlWithThePlaceholders() {
        Api.Response r = admin.get("/api/v1/deployments/" + deploymentId + "/snippets");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String predictUrl = server.getURL() + "/" + deploymentId + "/predict";
        assertThat(r.get("predictUrl")).isEqualTo(predictUrl);
        List<String> keys = new ArrayList<>(List.of("predictUrl", "urlVariants"));
        keys.addAll(LANGUAGES);
        assertThat(r.map()).containsOnlyKeys(keys.toArray(String[]::new));
        for (String language : LANGUAGES) {
            assertThat(r.get(language)).as(language)
                    .contains(predictUrl, "YOUR_SECRET_KEY", "path/to/image.jpg", "base64")
                    .doesNotContain(SnippetTemplates.URL);
        }
        assertThat(r.get("java")).contains("public class Predict", "java.net.http");
        assertThat(r.get("node")).contains("await fetch(URL").doesNotContain("axios");
        assertThat(r.get("python")).contains("import urllib.request").doesNotContain("import requests");
        assertThat(r.get("c")).contains("#include <curl/curl.h>");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyLanguageAlsoHasAUrlVariantThatSendsTheImagesAddressInsteadOfItsBytes() {
        Api.Response r = admin.get("/api/v1/deployments/" + deploymentId + "/snippets");

        Map<String, Object> variants = (Map<String, Object>) r.map().get("urlVariants");
        assertThat(variants).containsOnlyKeys(LANGUAGES);
        for (String language : LANGUAGES) {
            assertThat((String) variants.get(language)).as(language)
                    .contains(server.getURL() + "/" + deploymentId + "/predict", "YOUR_SECRET_KEY",
                            SnippetTemplates.IMAGE_URL, "url")
                    .doesNotContain(SnippetTemplates.URL, "base64", "path/to/image.jpg");
        }
    }

    @Test
    void aViewerOfTheProjectMayReadThem() {
        String orgId = admin.get("/api/v1/projects/" + projectId).get("organizationId");
        Api viewer = anonymous.login(tenants.user(UUID.fromString(orgId), Role.VIEWER).email(), Tenants.PASSWORD);

        assertThat(viewer.get("/api/v1/deployments/" + deploymentId + "/snippets").status()).isEqualTo(200);
    }

    @Test
    void anotherTenantsDeploymentIsNotFoundLikeAnUnknownOne() {
        Tenants.Tenant stranger = tenants.create(Role.OWNER);
        Api strangerApi = anonymous.login(stranger.user().email(), Tenants.PASSWORD);

        Api.Response foreign = strangerApi.get("/api/v1/deployments/" + deploymentId + "/snippets");
        Api.Response unknown = admin.get("/api/v1/deployments/" + UUID.randomUUID() + "/snippets");

        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.map()).containsEntry("status", 404).containsEntry("error", "NotFound");
        assertThat(foreign.body()).doesNotContain("predict");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.map()).containsEntry("status", 404).containsEntry("error", "NotFound");
    }

    @Test
    void withoutALoginTheyAreRefused() {
        assertThat(anonymous.get("/api/v1/deployments/" + deploymentId + "/snippets").status()).isEqualTo(401);
    }

    /** A deployment of the sample detector in the project (the scheduler needs no node for it to exist). */
    static String createDeployment(Api api, String projectId) {
        String modelId = api.post("/api/v1/projects/" + projectId + "/models",
                Map.of("name", "snippet-model-" + UUID.randomUUID())).get("id");
        Api.Response version = api.upload("/api/v1/models/" + modelId + "/versions",
                SampleModels.path("ssdlite320_mobilenet_v3.onnx"), Map.of());
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        Api.Response deployment = api.post("/api/v1/projects/" + projectId + "/deployments",
                Map.of("name", "snippets-" + UUID.randomUUID().toString().substring(0, 8),
                        "modelVersionId", version.get("id")));
        assertThat(deployment.status()).as(deployment.body()).isEqualTo(201);
        return deployment.get("id");
    }
}
