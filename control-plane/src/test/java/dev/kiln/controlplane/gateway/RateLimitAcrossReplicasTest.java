package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.keys.KeyVerifier;
import dev.kiln.controlplane.node.FleetFixtures;
import dev.kiln.controlplane.support.ApiTest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two control-plane replicas on one Postgres (this test's context A and a context B started here), each driven
 * with the same load: a key limited to {@link #RATE}/s gets about that many calls through in total, not twice it.
 * The deployment has no ready instance, so an admitted call is a quick 503 and a refused one a 429.
 */
@MicronautTest(transactional = false)
class RateLimitAcrossReplicasTest extends ApiTest {

    private static final int RATE = 20;
    /** The buckets start with two seconds of the rate; counting starts once that burst is long spent. */
    private static final Duration BURST = Duration.ofSeconds(3);
    private static final Duration MEASURED = Duration.ofSeconds(5);
    private static final int CLIENTS_PER_REPLICA = 4;

    @Inject
    DataSource dataSource;
    @Inject
    LiveReplicas replicasA;
    @Inject
    KeyVerifier keysA;

    ApplicationContext replicaB;
    URI urlB;

    private record Call(long atNanos, int status) {
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("kiln.gateway.default-key-rate-limit", String.valueOf(RATE));
        properties.put("kiln.gateway.replica-heartbeat", "200ms");
        properties.put("kiln.gateway.replica-timeout", "3s");
        return properties;
    }

    @BeforeAll
    void startReplicaB() {
        Map<String, Object> properties = new HashMap<>(getProperties());
        properties.put("micronaut.server.port", "-1");
        replicaB = ApplicationContext.run(properties);
        urlB = URI.create(replicaB.getBean(EmbeddedServer.class).start().getURL() + "/");
    }

    @AfterAll
    void stopReplicaB() {
        if (replicaB != null) {
            replicaB.close();
        }
    }

    @Test
    void aKeyDrivenThroughBothReplicasGetsItsLimitInTotalWithinTenPercent() throws Exception {
        FleetFixtures fixtures = new FleetFixtures(dataSource);
        UUID project = fixtures.project();
        UUID deployment = fixtures.cpuDeployment(project, fixtures.modelVersion(project, new byte[]{1}).id(), 1);
        String key = fixtures.key(project, null); // no limit of its own: the configured default applies
        keysA.reload();
        replicaB.getBean(KeyVerifier.class).reload();
        LiveReplicas replicasB = replicaB.getBean(LiveReplicas.class);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> replicasA.count() == 2 && replicasB.count() == 2);

        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long end = start + BURST.plus(MEASURED).toNanos();
        List<Future<?>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2 * CLIENTS_PER_REPLICA);
             HttpClient http = HttpClient.newHttpClient()) {
            for (URI base : List.of(URI.create(server.getURL() + "/"), urlB)) {
                HttpRequest predict = HttpRequest.newBuilder(base.resolve(deployment + "/predict"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
                for (int i = 0; i < CLIENTS_PER_REPLICA; i++) {
                    clients.add(pool.submit(() -> drive(http, predict, end, calls)));
                }
            }
            for (Future<?> client : clients) {
                client.get();
            }
        }

        long from = start + BURST.toNanos();
        List<Call> measured = calls.stream().filter(c -> c.atNanos() >= from && c.atNanos() < end).toList();
        long admitted = measured.stream().filter(c -> c.status() == 503).count();
        double expected = RATE * MEASURED.toMillis() / 1000.0;
        System.out.printf("Across 2 replicas: %d of %d calls admitted in %s at a limit of %d/s (expected %.0f)%n",
                admitted, measured.size(), MEASURED, RATE, expected);
        assertThat(measured).extracting(Call::status).containsOnly(503, 429);
        assertThat(measured.size()).as("the load offered is well above the limit").isGreaterThan(3 * (int) expected);
        assertThat((double) admitted).isBetween(expected * 0.9, expected * 1.1);
    }

    @Test
    void aReplicaThatShutsDownLeavesItsShareToTheOthersBeforeItsHeartbeatTimesOut() {
        Map<String, Object> properties = new HashMap<>(getProperties());
        properties.put("micronaut.server.port", "-1");
        ApplicationContext replicaC = ApplicationContext.run(properties);
        await().atMost(Duration.ofSeconds(10)).until(() -> replicasA.count() == 3);

        long rowsBefore = replicaRows();

        replicaC.close();

        // Its row went with it (deleted on shutdown), not with its silence: nobody has to wait out the timeout.
        assertThat(replicaRows()).isEqualTo(rowsBefore - 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> replicasA.count() == 2);
    }

    private long replicaRows() {
        return new FleetFixtures(dataSource).column("SELECT count(*) FROM gateway_replicas", Long.class).getFirst();
    }

    private static Void drive(HttpClient http, HttpRequest predict, long end, ConcurrentLinkedQueue<Call> calls)
            throws Exception {
        while (System.nanoTime() < end) {
            HttpResponse<Void> response = http.send(predict, HttpResponse.BodyHandlers.discarding());
            calls.add(new Call(System.nanoTime(), response.statusCode()));
        }
        return null;
    }
}
