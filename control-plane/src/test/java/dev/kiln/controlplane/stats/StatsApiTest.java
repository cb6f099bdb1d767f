package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.gateway.RoutingTable;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.protocol.GpuUsage;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeSample;
import dev.kiln.protocol.StatsWindow;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@MicronautTest(transactional = false)
class StatsApiTest extends StatsTestBase {

    @Inject
    Tenants tenants;
    @Inject
    GatewayRefusals refusals;
    @Inject
    RoutingTable routes;

    @Test
    void seriesCountExactlyWhatTheNodesSentOnceEvenWhenAHeartbeatIsResent() {
        UUID deployment = deployment();
        NodeCredentials node = registerNode();
        UUID a = instance(deployment, node.nodeId(), "READY");
        UUID b = instance(deployment, node.nodeId(), "READY");
        Instant first = windowStart(120);
        Instant second = windowStart(60);
        var windows = List.of(
                window(a, deployment, first, 9, 3, repeat(90, 10)),
                window(b, deployment, first, 0, 4, repeat(10, 200)),
                window(a, deployment, second, 0, 1, repeat(5, 20)));

        assertThat(heartbeat(node, List.of(), windows, List.of())).isEqualTo(200);
        // The acknowledgement was lost: the node sends the same windows again.
        assertThat(heartbeat(node, List.of(), windows, List.of())).isEqualTo(200);

        Api.Response stats = admin.get("/api/v1/deployments/" + deployment + "/stats?from=" + windowStart(300)
                + "&to=" + windowStart(0) + "&step=10");
        assertThat(stats.status()).as(stats.body()).isEqualTo(200);
        assertThat(stats.map().get("step")).isEqualTo(10);
        assertThat(total(series(stats, "requests"))).isEqualTo(105);
        assertThat(total(series(stats, "errors4xx"))).isEqualTo(9);
        assertThat(total(series(stats, "errors5xx"))).isZero();
        List<Object> busiest = point(series(stats, "requests"), first);
        assertThat(((Number) busiest.get(1)).longValue()).isEqualTo(100);
        // Two instances at their peaks in the same window: 3 + 4 in flight.
        assertThat(value(series(stats, "concurrency"), first)).isEqualTo(7.0);
        // Merged histograms: 90 requests at 10 ms and 10 at 200 ms. Averaging the instances' p95 would say 105 ms.
        assertThat(value(series(stats, "latencyP50Ms"), first)).isCloseTo(10.0, within(0.02));
        assertThat(value(series(stats, "latencyP95Ms"), first)).isCloseTo(200.0, within(0.2));
        assertThat(value(series(stats, "latencyP99Ms"), first)).isCloseTo(200.0, within(0.2));
        assertThat(value(series(stats, "latencyP50Ms"), second)).isCloseTo(20.0, within(0.02));
        assertThat(point(series(stats, "latencyP50Ms"), windowStart(250)).get(1)).as("no request, no latency").isNull();
        assertThat(series(stats, "requests")).hasSize(30);
    }

    @Test
    void evaluationTrafficIsServedApartFromTheRequestsItIsPartOfAndSurvivesTheRollup() {
        UUID deployment = deployment();
        NodeCredentials node = registerNode();
        UUID a = instance(deployment, node.nodeId(), "READY");
        Instant first = windowStart(120);
        StatsWindow production = window(a, deployment, first, 0, 1, repeat(10, 6));
        StatsWindow mixed = new StatsWindow(a, deployment, first.plusSeconds(10), 10, 4, 0, 0, 1, 0, "", "",
                production.totalHistogram(), 3);
        StatsWindow impossible = new StatsWindow(a, deployment, first.plusSeconds(20), 10, 1, 0, 0, 1, 0, "", "",
                production.totalHistogram(), 2);

        assertThat(heartbeat(node, List.of(), List.of(production, mixed, impossible), List.of())).isEqualTo(200);
        Api.Response raw = admin.get("/api/v1/deployments/" + deployment + "/stats?from=" + windowStart(300)
                + "&to=" + windowStart(0) + "&step=10");
        clock.advance(Duration.ofMinutes(2));
        assertThat(maintenance.rollUpAndPrune()).isTrue();
        Api.Response minutes = admin.get("/api/v1/deployments/" + deployment + "/stats?from="
                + first.truncatedTo(ChronoUnit.MINUTES) + "&to=" + windowStart(0) + "&step=60");

        assertThat(raw.status()).as(raw.body()).isEqualTo(200);
        assertThat(total(series(raw, "requests"))).as("the window with more evaluations than requests is dropped")
                .isEqualTo(14);
        assertThat(total(series(raw, "evaluations"))).isEqualTo(3);
        assertThat(value(series(raw, "evaluations"), first.plusSeconds(10))).isEqualTo(3.0);
        assertThat(value(series(raw, "evaluations"), first)).isZero();
        assertThat(total(series(minutes, "evaluations"))).isEqualTo(3);
    }

    @Test
    void theStepFitsTheRangeWhenNoneIsGiven() {
        UUID deployment = deployment();
        Instant to = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);

        Api.Response hour = admin.get("/api/v1/deployments/" + deployment + "/stats?from=" + to.minus(Duration.ofHours(1))
                + "&to=" + to);
        Api.Response day = admin.get("/api/v1/deployments/" + deployment + "/stats?from=" + to.minus(Duration.ofDays(1))
                + "&to=" + to);
        Api.Response month = admin.get("/api/v1/deployments/" + deployment + "/stats?from="
                + to.minus(Duration.ofDays(30)) + "&to=" + to);

        assertThat(hour.map().get("step")).isEqualTo(10);
        assertThat(series(hour, "requests")).hasSize(360);
        assertThat(day.map().get("step")).isEqualTo(300);
        assertThat(month.map().get("step")).isEqualTo(7200);
        assertThat(series(month, "cpuPercent")).hasSize(360).allMatch(point -> point.get(1) == null);
    }

    @Test
    void theInstancesSeriesShowsTheMostInstancesWantedInEachStepFromTheAutoscalersPoints() {
        UUID deployment = deployment();
        UUID plain = deployment();
        Instant from = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
        String points = "INSERT INTO deployment_scale_points (deployment_id, at, instances) VALUES (?, ?, ?)";
        fixtures.update(points, deployment, java.sql.Timestamp.from(from.minusSeconds(30)), 1);
        fixtures.update(points, deployment, java.sql.Timestamp.from(from.plusSeconds(12)), 3);
        fixtures.update(points, deployment, java.sql.Timestamp.from(from.plusSeconds(15)), 2);
        String range = "/stats?step=10&from=" + from + "&to=" + from.plusSeconds(40);

        List<List<Object>> instances = series(admin.get("/api/v1/deployments/" + deployment + range), "instances");

        assertThat(instances.stream().map(point -> point.get(1)).toList()).containsExactly(1, 3, 2, 2);
        assertThat(series(admin.get("/api/v1/deployments/" + plain + range), "instances"))
                .allMatch(point -> point.get(1) == null);
    }

    @Test
    void badRangesAreRefusedWithTheFieldNamed() {
        UUID deployment = deployment();
        String base = "/api/v1/deployments/" + deployment + "/stats";
        Instant now = clock.instant();

        assertBadQuery(admin.get(base + "?from=yesterday"), "from");
        assertBadQuery(admin.get(base + "?from=" + now + "&to=" + now.minusSeconds(60)), "from");
        assertBadQuery(admin.get(base + "?from=" + now.minus(Duration.ofDays(32)) + "&to=" + now), "from");
        assertBadQuery(admin.get(base + "?step=5"), "step");
        assertBadQuery(admin.get(base + "?step=" + Long.MAX_VALUE), "step");
        assertBadQuery(admin.get(base + "?step=" + (Duration.ofDays(31).toSeconds() + 1)), "step");
        assertBadQuery(admin.get(base + "?from=" + now.minus(Duration.ofDays(7)) + "&to=" + now + "&step=10"), "step");
        assertBadQuery(admin.get(base + "?from=" + now.minus(Duration.ofDays(2)) + "&to="
                + now.minus(Duration.ofDays(2)).plusSeconds(600) + "&step=30"), "step");
        assertBadQuery(admin.get("/api/v1/projects/" + defaultProjectId() + "/stats/summary?minutes=0"), "minutes");
    }

    @Test
    void anotherTenantSeesNoStatsLogsOrSummary() {
        UUID deployment = deployment();
        Tenants.Tenant other = tenants.create(Role.OWNER);
        Api outsider = anonymous.login(other.user().email(), Tenants.PASSWORD);

        assertThat(outsider.get("/api/v1/deployments/" + deployment + "/stats").status()).isEqualTo(404);
        assertThat(outsider.get("/api/v1/deployments/" + deployment + "/logs").status()).isEqualTo(404);
        assertThat(outsider.get("/api/v1/projects/" + defaultProjectId() + "/stats/summary").status()).isEqualTo(404);
        assertThat(outsider.get("/api/v1/deployments/" + UUID.randomUUID() + "/stats").status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/deployments/" + deployment + "/stats").status()).isEqualTo(200);
    }

    @Test
    void theSummaryGivesEachDeploymentsRateErrorRateP95AndSparkline() {
        UUID deployment = deployment();
        UUID idle = deployment();
        NodeCredentials node = registerNode();
        UUID a = instance(deployment, node.nodeId(), "READY");
        assertThat(heartbeat(node, List.of(), List.of(
                window(a, deployment, windowStart(600), 10, 1, repeat(80, 5)),
                window(a, deployment, windowStart(30), 0, 1, repeat(20, 300))), List.of())).isEqualTo(200);

        Api.Response summary = admin.get("/api/v1/projects/" + defaultProjectId() + "/stats/summary?minutes=60");

        assertThat(summary.status()).as(summary.body()).isEqualTo(200);
        Map<String, Object> row = row(summary, deployment);
        assertThat(((Number) row.get("requests")).longValue()).isEqualTo(100);
        assertThat(((Number) row.get("requestRatePerSecond")).doubleValue()).isCloseTo(100 / 3600.0, within(1e-9));
        assertThat(((Number) row.get("errorRate")).doubleValue()).isCloseTo(0.1, within(1e-9));
        assertThat(((Number) row.get("latencyP95Ms")).doubleValue()).isCloseTo(300.0, within(0.3));
        @SuppressWarnings("unchecked")
        List<List<Object>> sparkline = (List<List<Object>>) row.get("sparkline");
        assertThat(sparkline).hasSize(12);
        assertThat(total(sparkline)).isEqualTo(100);
        Map<String, Object> quiet = row(summary, idle);
        assertThat(((Number) quiet.get("requests")).longValue()).isZero();
        assertThat(quiet.get("latencyP95Ms")).isNull();
    }

    @Test
    void refusalsAtTheGatewayCountForTheDeploymentTheyNamed() {
        UUID deployment = deployment();
        UUID sibling = deployment();
        UUID project = UUID.fromString(defaultProjectId());
        String key = fixtures.key(project, null);
        String scopedElsewhere = fixtures.key(project, Set.of(sibling));
        routes.refresh();
        clock.set(windowStart(0).plusSeconds(1));
        Instant window = windowStart(0);

        for (int i = 0; i < 3; i++) {
            assertThat(predict(deployment, null).status()).isEqualTo(401);
        }
        assertThat(predict(deployment, "kiln_" + "x".repeat(43)).status()).isEqualTo(401);
        assertThat(predict(deployment, scopedElsewhere).status()).isEqualTo(403);
        for (int i = 0; i < 4; i++) {
            assertThat(predict(deployment, key).status()).as("no ready instance").isEqualTo(503);
        }
        assertThat(predict(UUID.randomUUID(), key).status()).as("names no deployment: counted nowhere").isEqualTo(404);
        clock.advance(Duration.ofSeconds(10));
        refusals.flushClosed();

        Api.Response stats = admin.get("/api/v1/deployments/" + deployment + "/stats?from=" + window.minusSeconds(60)
                + "&to=" + clock.instant() + "&step=10");
        assertThat(total(series(stats, "requests"))).isEqualTo(9);
        assertThat(total(series(stats, "errors4xx"))).isEqualTo(5);
        assertThat(total(series(stats, "errors5xx"))).isEqualTo(4);
        assertThat(value(series(stats, "requests"), window)).isEqualTo(9.0);
        Api.Response logs = admin.get("/api/v1/deployments/" + deployment + "/logs");
        assertThat(logs.map().get("items").toString())
                .contains("REJECTED", "9 requests refused", "4 × 401", "1 × 403", "4 × 503");
        Api.Response siblingStats = admin.get("/api/v1/deployments/" + sibling + "/stats?from="
                + window.minusSeconds(60) + "&to=" + clock.instant());
        assertThat(total(series(siblingStats, "requests"))).isZero();
    }

    @Test
    void availabilityIsTheShareOfTheRangeWithAReadyInstanceAndUptimeCountsFromTheFirstOnline() {
        UUID deployment = deployment();
        NodeCredentials node = registerNode();
        UUID instance = instance(deployment, node.nodeId(), "READY");
        Instant start = clock.instant();
        fixtures.update("UPDATE deployments SET status = 'ONLINE', online_since = ? WHERE id = ?",
                java.sql.Timestamp.from(start.minusSeconds(3600)), deployment);
        for (int i = 0; i <= 30; i++) {
            assertThat(maintenance.observe()).isTrue();
            clock.advance(Duration.ofSeconds(2));
        }
        // After 60 s ready, the instance reloads for 60 s (the node reports it LOADING).
        fixtures.update("UPDATE instances SET status = 'LOADING' WHERE id = ?", instance);
        for (int i = 0; i < 30; i++) {
            assertThat(maintenance.observe()).isTrue();
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(heartbeat(node, List.of(), List.of(), List.of(
                new NodeSample(start.plusSeconds(10), 10, 40, 1L << 30, List.of()),
                new NodeSample(start.plusSeconds(20), 10, 60, 3L << 30, List.of(new GpuUsage(0, 90, 5))))))
                .isEqualTo(200);

        Api.Response stats = admin.get("/api/v1/deployments/" + deployment + "/stats?from=" + start + "&to="
                + start.plusSeconds(120) + "&step=60");

        assertThat(stats.status()).as(stats.body()).isEqualTo(200);
        assertThat(((Number) stats.map().get("availability")).doubleValue()).isCloseTo(0.5, within(1e-9));
        assertThat(((Number) stats.map().get("uptimeSeconds")).longValue()).isEqualTo(3600 + 122);
        assertThat(value(series(stats, "cpuPercent"), start)).isCloseTo(50.0, within(1e-9));
        assertThat(value(series(stats, "memoryBytes"), start)).isEqualTo((double) (2L << 30));
        assertThat(point(series(stats, "gpuUtilPercent"), start).get(1)).as("the instance has no GPU").isNull();
        assertThat(point(series(stats, "cpuPercent"), start.plusSeconds(60)).get(1)).isNull();
    }

    @Test
    void theLogTellsLoadsAndFailuresNewestFirstInPages() {
        UUID deployment = deployment();
        NodeCredentials node = registerNode();
        UUID instance = instance(deployment, node.nodeId(), "SCHEDULED");
        for (InstanceStatus status : List.of(InstanceStatus.LOADING, InstanceStatus.READY, InstanceStatus.FAILED)) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(heartbeat(node, List.of(new InstanceReport(instance, status,
                    status == InstanceStatus.FAILED ? "out of memory" : null, 0)), List.of(), List.of())).isEqualTo(200);
        }

        Api.Response first = admin.get("/api/v1/deployments/" + deployment + "/logs?page=1&pageSize=2");
        Api.Response second = admin.get("/api/v1/deployments/" + deployment + "/logs?page=2&pageSize=2");

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.map()).containsEntry("page", 1).containsEntry("pageSize", 2).containsEntry("hasMore", true);
        List<Map<String, Object>> items = items(first);
        assertThat(items).extracting(item -> item.get("kind")).containsExactly("FAILURE", "LOAD");
        assertThat(items.getFirst()).containsEntry("level", "ERROR").containsEntry("instanceId", instance.toString())
                .containsEntry("nodeId", node.nodeId().toString()).containsEntry("deploymentId", deployment.toString());
        assertThat(items.getFirst().get("message").toString()).contains("out of memory");
        assertThat(items.get(1).get("message").toString()).contains("is ready");
        assertThat(second.map()).containsEntry("hasMore", false);
        assertThat(items(second)).extracting(item -> item.get("message").toString())
                .singleElement().asString().contains("loading");
        assertThat(admin.get("/api/v1/deployments/" + deployment + "/logs?pageSize=501").status()).isEqualTo(400);
    }

    @Test
    void scalingAndRollingOutAreLogged() {
        UUID deployment = deployment();

        Api.Response scaled = admin.patch("/api/v1/deployments/" + deployment, Map.of("instances", 3));
        Api.Response rolled = admin.patch("/api/v1/deployments/" + deployment, Map.of("maxBatchSize", 4));

        assertThat(scaled.status()).as(scaled.body()).isEqualTo(200);
        assertThat(rolled.status()).as(rolled.body()).isEqualTo(200);
        List<Map<String, Object>> items = items(admin.get("/api/v1/deployments/" + deployment + "/logs"));
        assertThat(items).extracting(item -> item.get("kind") + ": " + item.get("message")).containsExactly(
                "ROLLOUT: Rolling out generation 2: new instances load before the old ones drain.",
                "SCALE: Scaling from 1 to 3 instances.");
    }

    private Api.Response predict(UUID deployment, String key) {
        Api client = key == null ? anonymous : anonymous.as(key);
        return client.post("/" + deployment + "/predict", Map.of("image", Map.of("type", "base64", "value", "AAAA")));
    }

    private static void assertBadQuery(Api.Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.map().get("detail").toString()).contains("query", field);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Api.Response page) {
        return (List<Map<String, Object>>) page.map().get("items");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> row(Api.Response summary, UUID deployment) {
        return ((List<Map<String, Object>>) summary.map().get("deployments")).stream()
                .filter(row -> row.get("deploymentId").equals(deployment.toString())).findFirst().orElseThrow();
    }

    private static List<Object> point(List<List<Object>> series, Instant at) {
        return series.stream().filter(p -> ((Number) p.get(0)).longValue() <= at.toEpochMilli())
                .reduce((x, y) -> y).orElseThrow();
    }

    private static double value(List<List<Object>> series, Instant at) {
        Object value = point(series, at).get(1);
        assertThat(value).as("value at " + at).isNotNull();
        return ((Number) value).doubleValue();
    }

    private static long[] repeat(int times, long ms) {
        return LongStream.generate(() -> ms).limit(times).toArray();
    }
}
