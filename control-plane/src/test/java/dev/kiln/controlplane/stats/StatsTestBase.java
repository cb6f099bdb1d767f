package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.node.FleetFixtures;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.MutableClock;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InternalPaths;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import dev.kiln.protocol.NodeSample;
import dev.kiln.protocol.StatsWindow;
import jakarta.inject.Inject;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeEach;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stats tests: the real application on the shared embedded Postgres, with a clock the test moves, the scheduler and
 * the stats timers off (tests run the rounds), and nodes that are just HTTP clients posting real heartbeats.
 */
abstract class StatsTestBase extends ApiTest {

    protected final int managementPort = freePort();

    @Inject
    protected DataSource dataSource;
    @Inject
    protected MutableClock clock;
    @Inject
    protected StatsMaintenance maintenance;

    protected FleetFixtures fixtures;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("kiln.test.clock", "mutable");
        properties.put("kiln.scheduler.enabled", "false");
        properties.put("kiln.stats.jobs.enabled", "false");
        properties.put("endpoints.all.port", Integer.toString(managementPort));
        return properties;
    }

    @BeforeEach
    void freshState() {
        fixtures = new FleetFixtures(dataSource);
        clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    /** A CPU deployment with one instance row, in the admin's default project. */
    protected UUID deployment() {
        UUID project = UUID.fromString(defaultProjectId());
        FleetFixtures.ModelVersionRow version = fixtures.modelVersion(project, UUID.randomUUID().toString().getBytes());
        UUID id = fixtures.cpuDeployment(project, version.id(), 1);
        // Created "before" the test clock's now, whatever the test does with the clock later.
        fixtures.update("UPDATE deployments SET created_at = ? WHERE id = ?",
                java.sql.Timestamp.from(clock.instant().minus(1, ChronoUnit.DAYS)), id);
        return id;
    }

    protected NodeCredentials registerNode() {
        NodeRegistration registration = new NodeRegistration(null, "stats-node-" + UUID.randomUUID(),
                "http://127.0.0.1:1", null, Map.of(), 4, 8L << 30, List.<GpuInfo>of(), "test");
        try {
            var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(internalUrl() + InternalPaths.REGISTER))
                    .header("Content-Type", "application/json")
                    .header(InternalPaths.JOIN_TOKEN_HEADER, "test-join-token-0123456789abcdef0123456789")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(registration))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return json.readValue(response.body(), NodeCredentials.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An instance of the deployment on the node, in the given status (a row, as the scheduler would write it). */
    protected UUID instance(UUID deploymentId, UUID nodeId, String status) {
        UUID id = UUID.randomUUID();
        fixtures.update("""
                INSERT INTO instances (id, deployment_id, generation, node_id, status, created_at, updated_at)
                VALUES (?, ?, 1, ?, ?, now(), now())""", id, deploymentId, nodeId, status);
        return id;
    }

    protected int heartbeat(NodeCredentials node, List<InstanceReport> instances, List<StatsWindow> windows,
                            List<NodeSample> samples) {
        Heartbeat heartbeat = new Heartbeat(instances, List.of(), 0, 0, windows, samples);
        Api.Response response = internal.as(node.nodeSecret())
                .post(InternalPaths.HEARTBEAT.replace("{nodeId}", node.nodeId().toString()), heartbeat);
        return response.status();
    }

    /** A window of a source in which every latency (ms) given was recorded once; {@code errors4xx} of them 4xx. */
    protected static StatsWindow window(UUID source, UUID deploymentId, Instant start, long errors4xx,
                                        int maxConcurrency, long... latenciesMs) {
        Histogram total = new Histogram(3_600_000_000L, 3);
        for (long ms : latenciesMs) {
            total.recordValue(ms * 1000);
        }
        return new StatsWindow(source, deploymentId, start, 10, latenciesMs.length, errors4xx, 0, maxConcurrency, 0,
                "", "", encode(total));
    }

    protected static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    /** The start of the 10-second window {@code secondsAgo} before the clock's now. */
    protected Instant windowStart(long secondsAgo) {
        long epoch = clock.instant().minusSeconds(secondsAgo).getEpochSecond();
        return Instant.ofEpochSecond(epoch - Math.floorMod(epoch, 10));
    }

    @SuppressWarnings("unchecked")
    protected static List<List<Object>> series(Api.Response stats, String name) {
        return (List<List<Object>>) ((Map<String, Object>) stats.map().get("series")).get(name);
    }

    protected static long total(List<List<Object>> series) {
        return series.stream().mapToLong(point -> ((Number) point.get(1)).longValue()).sum();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
