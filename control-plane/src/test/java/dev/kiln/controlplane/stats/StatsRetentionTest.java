package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.support.Api;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeSample;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@MicronautTest(transactional = false)
class StatsRetentionTest extends StatsTestBase {

    @Test
    void rawWindowsGiveWayToMinuteRollupsAfterADayAndThoseGoAfterThirtyDays() {
        UUID deployment = deployment();
        NodeCredentials node = registerNode();
        UUID a = instance(deployment, node.nodeId(), "SCHEDULED");
        UUID b = instance(deployment, node.nodeId(), "READY");
        Instant first = windowStart(120);
        Instant second = first.plusSeconds(10);
        Instant sampled = windowStart(0); // while the node hosts the deployment (observed below)
        assertThat(heartbeat(node, List.of(new InstanceReport(a, InstanceStatus.LOADING, null, 0)), List.of(
                        window(a, deployment, first, 5, 2, latencies(50, 10)),
                        window(a, deployment, second, 0, 1, latencies(40, 30))),
                List.of(new NodeSample(sampled, 10, 25, 1L << 30, List.of())))).isEqualTo(200);
        assertThat(maintenance.observe()).isTrue();
        clock.advance(Duration.ofMinutes(2));
        assertThat(maintenance.rollUpAndPrune()).isTrue();
        // Arrives after its minute was rolled up (the node buffered it): the minute is rolled up again.
        assertThat(heartbeat(node, List.of(), List.of(window(b, deployment, first, 0, 3, latencies(10, 30))), List.of()))
                .isEqualTo(200);
        assertThat(maintenance.rollUpAndPrune()).isTrue();
        assertThat(rows("stats_windows", deployment)).isEqualTo(3);

        clock.advance(Duration.ofHours(25));
        assertThat(maintenance.rollUpAndPrune()).isTrue();

        assertThat(rows("stats_windows", deployment)).isZero();
        assertThat(fixtures.single("SELECT count(*) FROM node_samples WHERE node_id = ?", Long.class, node.nodeId()))
                .isZero();
        assertThat(rows("stats_minutes", deployment)).isPositive();
        Api.Response old = stats(deployment, first);
        Api.Response usage = stats(deployment, sampled);
        assertThat(old.status()).as(old.body()).isEqualTo(200);
        assertThat(old.map().get("step")).isEqualTo(60);
        assertThat(total(series(old, "requests"))).isEqualTo(100);
        assertThat(total(series(old, "errors4xx"))).isEqualTo(5);
        // From the merged histograms of the minute: 50 at 10 ms, 50 at 30 ms.
        List<Object> minute = series(old, "latencyP99Ms").stream()
                .filter(p -> p.get(1) != null).findFirst().orElseThrow();
        assertThat(((Number) minute.get(1)).doubleValue()).isCloseTo(30.0, within(0.03));
        assertThat(series(old, "concurrency").stream().mapToDouble(p -> ((Number) p.get(1)).doubleValue()).max()
                .orElseThrow()).as("2 + 3 in flight in the first window").isEqualTo(5.0);
        assertThat(series(usage, "cpuPercent").stream().filter(p -> p.get(1) != null).map(p -> p.get(1)))
                .containsExactly(25.0);

        clock.advance(Duration.ofDays(30));
        assertThat(maintenance.rollUpAndPrune()).isTrue();

        assertThat(rows("stats_minutes", deployment)).isZero();
        assertThat(rows("deployment_spans", deployment)).isZero();
        assertThat(rows("deployment_events", deployment)).isZero();
        assertThat(fixtures.single("SELECT count(*) FROM node_sample_minutes WHERE node_id = ?", Long.class,
                node.nodeId())).isZero();
        assertThat(total(series(stats(deployment, first), "requests"))).isZero();
    }

    private Api.Response stats(UUID deployment, Instant around) {
        return admin.get("/api/v1/deployments/" + deployment + "/stats?from=" + around.minus(Duration.ofMinutes(5))
                + "&to=" + around.plus(Duration.ofMinutes(5)) + "&step=60");
    }

    private long rows(String table, UUID deployment) {
        return fixtures.single("SELECT count(*) FROM " + table + " WHERE deployment_id = ?", Long.class, deployment);
    }

    private static long[] latencies(int times, long ms) {
        return LongStream.generate(() -> ms).limit(times).toArray();
    }
}
