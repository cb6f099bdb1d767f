package dev.kiln.controlplane.snippets;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With kiln.public-url set, snippets use it whatever Host the request came with. */
@MicronautTest(transactional = false)
class ConfiguredPublicUrlTest extends ApiTest {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("kiln.public-url", "https://kiln.example.com/");
        return properties;
    }

    @Test
    void theConfiguredPublicUrlIsTheBaseOfThePredictUrl() {
        String deploymentId = SnippetsApiTest.createDeployment(admin, defaultProjectId());

        Api.Response r = admin.get("/api/v1/deployments/" + deploymentId + "/snippets");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String predictUrl = "https://kiln.example.com/" + deploymentId + "/predict";
        assertThat(r.get("predictUrl")).isEqualTo(predictUrl);
        assertThat(r.get("curl")).contains("URL=\"" + predictUrl + "\"").doesNotContain(server.getURL().toString());
    }
}
