package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.gateway.RoutingTable;
import io.micronaut.core.type.Argument;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class ManagementPortTest extends StatsTestBase {

    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "kiln-control-plane.json");

    @Inject
    RoutingTable routes;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthLivenessAndReadinessAnswerOnTheManagementPort() {
        for (String path : List.of("/health", "/health/liveness", "/health/readiness")) {
            HttpResponse<String> response = management(path);
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
            assertThat(response.body()).as(path).contains("\"UP\"");
        }
        assertThat(get(server.getURL() + "/health").statusCode()).as("the main port keeps /health").isEqualTo(200);
    }

    @Test
    void theManagementPortServesNothingButHealthAndMetrics() {
        UUID deployment = deployment();
        for (String path : List.of("/api/v1/me", "/api/v1/auth/login", "/" + deployment + "/info", "/ping", "/env",
                "/beans", "/loggers", "/routes", "/threaddump", "/refresh", "/info", "/metrics", "/flyway",
                "/openapi.yml", "/index.html")) {
            assertThat(management(path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(get(server.getURL() + "/prometheus").statusCode()).as("no metrics on the public port")
                .isEqualTo(404);
    }

    @Test
    void prometheusHasGatewayLatencyHistogramsByDeploymentAndNoSecret() {
        UUID deployment = deployment();
        String key = fixtures.key(UUID.fromString(defaultProjectId()), Set.of(deployment));
        routes.refresh();
        assertThat(anonymous.as(key).post("/" + deployment + "/predict", Map.of()).status()).isEqualTo(503);

        String metrics = management("/prometheus").body();

        assertThat(metrics).contains("kiln_gateway_requests_seconds_bucket{deployment=\"" + deployment
                + "\",status=\"503\",le=");
        assertThat(metrics).doesNotContain(key).doesNotContain(key.substring(12))
                .doesNotContain(dev.kiln.controlplane.support.ApiTest.JWT_SECRET);
    }

    @Test
    void theGrafanaDashboardIsValidJsonAndQueriesOnlyMetricsWeExpose() throws IOException {
        UUID deployment = deployment();
        String key = fixtures.key(UUID.fromString(defaultProjectId()), null);
        routes.refresh();
        anonymous.as(key).post("/" + deployment + "/predict", Map.of());
        admin.get("/api/v1/me");
        Map<String, Object> dashboard = json.readValue(Files.readString(DASHBOARD), Argument.mapOf(String.class,
                Object.class));
        Set<String> used = new TreeSet<>();
        Matcher names = Pattern.compile("\\b([a-z][a-z0-9_]*_(?:count|bucket|sum|bytes|usage|total|seconds))\\b")
                .matcher(Files.readString(DASHBOARD));
        while (names.find()) {
            used.add(names.group(1));
        }

        String metrics = management("/prometheus").body();

        assertThat(dashboard.get("panels")).asList().hasSizeGreaterThanOrEqualTo(5);
        assertThat(used).contains("kiln_gateway_requests_seconds_bucket", "kiln_gateway_requests_seconds_count");
        for (String metric : used) {
            assertThat(metrics).as(metric).containsPattern("(?m)^" + metric + "[{ ]");
        }
    }

    private HttpResponse<String> management(String path) {
        return get("http://127.0.0.1:" + managementPort + path);
    }

    private HttpResponse<String> get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
