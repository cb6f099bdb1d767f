package dev.kiln.node.metrics;

import dev.kiln.protocol.ErrorBody;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller outside the management network (here: loopback, with the network set to a documentation range) sees the
 * node's health status and nothing else; the details and the metrics are for the management network only (shown to
 * loopback by default, see {@link RequestStatsEndpointTest}).
 */
@MicronautTest
@Property(name = "kiln.node.agent-enabled", value = "false")
@Property(name = "kiln.node.management-networks", value = "192.0.2.0/24")
class ManagementNetworksTest {

    private final HttpClient http = HttpClient.newHttpClient();
    @Inject
    ApplicationContext context;
    @Inject
    JsonMapper json;

    private HttpResponse<String> get(String path) throws Exception {
        int port = context.getRequiredProperty("endpoints.all.port", Integer.class);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aCallerOutsideTheManagementNetworkSeesTheHealthStatusAlone() throws Exception {
        for (String path : List.of("/health", "/health/liveness", "/health/readiness")) {
            HttpResponse<String> health = get(path);

            Map<String, Object> body = json.readValue(health.body(), Argument.mapOf(String.class, Object.class));
            assertThat(body).as(path).containsOnlyKeys("status");
            assertThat(body.get("status")).as(path).isIn("UP", "DOWN");
            assertThat(health.statusCode()).as(path).isEqualTo("UP".equals(body.get("status")) ? 200 : 503);
        }
    }

    @Test
    void aCallerOutsideTheManagementNetworkGetsNoMetrics() throws Exception {
        HttpResponse<String> metrics = get("/prometheus");

        assertThat(metrics.statusCode()).isEqualTo(404);
        ErrorBody error = json.readValue(metrics.body(), ErrorBody.class);
        assertThat(error.message()).contains("KILN_NODE_MANAGEMENT_NETWORKS");
        assertThat(metrics.body()).doesNotContain("kiln_node", "jvm_");
    }
}
