package dev.kiln.node.metrics;

import dev.kiln.node.runtime.Admission;
import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestAssignments;
import dev.kiln.node.testing.TestImages;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.InternalPaths;
import dev.kiln.protocol.ServingSettings;
import dev.kiln.protocol.StatsWindow;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Known traffic over real HTTP against loaded instances: every outcome lands in the instance's stats windows and in
 * the per-deployment Prometheus histogram on the management port, which is the only port serving management.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "kiln.node.agent-enabled", value = "false")
@Property(name = "kiln.node.gateway-token", value = RequestStatsEndpointTest.TOKEN)
class RequestStatsEndpointTest {
    static final String TOKEN = "stats-gateway-token";
    private final HttpClient http = HttpClient.newHttpClient();
    private final String image = "{\"image_type\":\"base64\",\"data\":\"" + Base64.getEncoder()
            .encodeToString(TestImages.encode(TestImages.scene(160, 120, 3), "png")) + "\"}";
    @Inject
    EmbeddedServer server;
    @Inject
    ApplicationContext context;
    @Inject
    InstanceManager instances;
    @Inject
    StatsWindows windows;
    private Assignment steady;
    private Assignment hasty;

    @BeforeAll
    void load() throws Exception {
        steady = TestAssignments.of(SampleModels.SSDLITE, new ServingSettings(1, 0, 4, 60_000, "entropy", 0.5));
        // Times out after 1 ms: every prediction on it is a 504.
        hasty = TestAssignments.of(SampleModels.SSDLITE, new ServingSettings(1, 0, 4, 1, "entropy", 0.5));
        for (Assignment a : List.of(steady, hasty)) {
            ServingInstance instance = instances.add(a, SampleModels.path(SampleModels.SSDLITE));
            assertThat(instance.settled().get(60, TimeUnit.SECONDS).status()).isEqualTo(InstanceStatus.READY);
        }
    }

    private int predict(UUID instance, String body, String token) throws Exception {
        return send(request(instance, body, token).build());
    }

    private HttpRequest.Builder request(UUID instance, String body, String token) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort()
                        + "/internal/v1/instances/" + instance + "/predict"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private int send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int managementPort() {
        return context.getRequiredProperty("endpoints.all.port", Integer.class);
    }

    /** Every window that has ended by a moment well past the test's requests (each is handed out once). */
    private List<StatsWindow> closedWindows() {
        return windows.takeClosed(Instant.now().plusSeconds(20));
    }

    private static List<StatsWindow> of(List<StatsWindow> ws, Assignment a) {
        return ws.stream().filter(w -> w.source().equals(a.instanceId())).toList();
    }

    private static long sum(List<StatsWindow> ws, java.util.function.ToLongFunction<StatsWindow> f) {
        return ws.stream().mapToLong(f).sum();
    }

    private static long histogramCount(List<StatsWindow> ws, java.util.function.Function<StatsWindow, String> f)
            throws Exception {
        long count = 0;
        for (StatsWindow w : ws) {
            if (!f.apply(w).isEmpty()) {
                Histogram h = StatsWindowsTest.decode(f.apply(w));
                count += h.getTotalCount();
            }
        }
        return count;
    }

    @Test
    void aPredictionTheGatewayMarksAsEvaluationCountsAsARequestAndAsAnEvaluation() throws Exception {
        closedWindows();

        assertThat(predict(steady.instanceId(), image, TOKEN)).isEqualTo(200);
        assertThat(send(request(steady.instanceId(), image, TOKEN)
                .header(InternalPaths.TRAFFIC_HEADER, InternalPaths.EVALUATION_TRAFFIC).build())).isEqualTo(200);
        assertThat(send(request(steady.instanceId(), image, TOKEN)
                .header(InternalPaths.TRAFFIC_HEADER, "something-else").build())).isEqualTo(200);

        List<StatsWindow> steadyWindows = of(closedWindows(), steady);
        assertThat(sum(steadyWindows, StatsWindow::requests)).isEqualTo(3);
        assertThat(sum(steadyWindows, StatsWindow::evaluations)).isEqualTo(1);
    }

    @Test
    void successesBadInputRefusalsFullQueuesAndTimeoutsAllCountForTheirInstance() throws Exception {
        closedWindows();

        assertThat(predict(steady.instanceId(), image, TOKEN)).isEqualTo(200);
        assertThat(predict(steady.instanceId(), image, TOKEN)).isEqualTo(200);
        assertThat(predict(steady.instanceId(), image, TOKEN)).isEqualTo(200);
        assertThat(predict(steady.instanceId(), "{\"image_type\":\"base64\"}", TOKEN)).isEqualTo(400);
        assertThat(predict(steady.instanceId(), image, "wrong-token")).isEqualTo(401);
        ServingInstance instance = instances.find(steady.instanceId()).orElseThrow();
        List<Admission> held = new ArrayList<>();
        try {
            for (var admission = instance.tryAdmit(); admission.isPresent(); admission = instance.tryAdmit()) {
                held.add(admission.get());
            }
            assertThat(predict(steady.instanceId(), image, TOKEN)).isEqualTo(503);
        } finally {
            held.forEach(Admission::close);
        }
        assertThat(predict(hasty.instanceId(), image, TOKEN)).isEqualTo(504);
        assertThat(predict(UUID.randomUUID(), image, TOKEN)).as("no instance, no window").isEqualTo(404);

        List<StatsWindow> closed = closedWindows();
        List<StatsWindow> steadyWindows = of(closed, steady);
        assertThat(steadyWindows).allSatisfy(w -> assertThat(w.deploymentId()).isEqualTo(steady.deploymentId()));
        assertThat(sum(steadyWindows, StatsWindow::requests)).isEqualTo(6);
        assertThat(sum(steadyWindows, StatsWindow::errors4xx)).isEqualTo(2);
        assertThat(sum(steadyWindows, StatsWindow::errors5xx)).isEqualTo(1);
        assertThat(histogramCount(steadyWindows, StatsWindow::totalHistogram)).isEqualTo(6);
        assertThat(histogramCount(steadyWindows, StatsWindow::inferenceHistogram)).as("the three that ran")
                .isEqualTo(3);
        assertThat(histogramCount(steadyWindows, StatsWindow::queueHistogram)).isEqualTo(3);
        assertThat(steadyWindows).allSatisfy(w -> assertThat(w.maxConcurrency()).isEqualTo(1));

        List<StatsWindow> hastyWindows = of(closed, hasty);
        assertThat(sum(hastyWindows, StatsWindow::requests)).isEqualTo(1);
        assertThat(sum(hastyWindows, StatsWindow::errors5xx)).isEqualTo(1);
        Histogram total = StatsWindowsTest.decode(hastyWindows.getFirst().totalHistogram());
        assertThat(total.getMinValue()).as("answered once the 1 ms timeout passed").isGreaterThanOrEqualTo(1_000);
    }

    @Test
    void prometheusOnTheManagementPortHasALatencyHistogramPerDeployment() throws Exception {
        assertThat(predict(steady.instanceId(), image, TOKEN)).isEqualTo(200);
        assertThat(predict(steady.instanceId(), "not json", TOKEN)).isEqualTo(400);

        HttpResponse<String> scrape = get(managementPort(), "/prometheus");

        assertThat(scrape.statusCode()).isEqualTo(200);
        String deployment = "deployment=\"" + steady.deploymentId() + "\"";
        assertThat(scrape.body().lines().filter(l -> l.startsWith("kiln_node_requests_seconds_bucket{")
                && l.contains(deployment) && l.contains("outcome=\"2xx\""))).hasSizeGreaterThan(5);
        assertThat(scrape.body().lines().filter(l -> l.startsWith("kiln_node_requests_seconds_count{")
                && l.contains(deployment) && l.contains("outcome=\"4xx\""))).singleElement()
                .satisfies(l -> assertThat(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).isPositive());
    }

    @Test
    void healthLivenessAndReadinessAnswerOnTheManagementPortOnly() throws Exception {
        int management = managementPort();
        assertThat(management).isNotEqualTo(server.getPort()).isNotEqualTo(9081);

        assertThat(get(management, "/health").statusCode()).isEqualTo(200);
        assertThat(get(management, "/health/liveness").statusCode()).isEqualTo(200);
        HttpResponse<String> readiness = get(management, "/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"UP\"", steady.instanceId().toString());
        assertThat(get(server.getPort(), "/health").statusCode()).isEqualTo(404);
        assertThat(get(server.getPort(), "/prometheus").statusCode()).isEqualTo(404);
    }

    @Test
    void theManagementPortServesNothingButHealthAndMetrics() throws Exception {
        int management = managementPort();
        for (String path : List.of("/internal/v1/instances/" + steady.instanceId(),
                "/internal/v1/instances/" + steady.instanceId() + "/metadata", "/routes", "/beans", "/env", "/info")) {
            assertThat(get(management, path).statusCode()).as(path).isEqualTo(404);
        }
    }
}
