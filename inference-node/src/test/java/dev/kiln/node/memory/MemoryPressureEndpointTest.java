package dev.kiln.node.memory;

import dev.kiln.node.imaging.PixelBudget;
import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestAssignments;
import dev.kiln.node.testing.TestImages;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.ServingSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node whose pressure threshold sits a ballast above the heap it lives in: holding the ballast puts it under
 * pressure (503 + Retry-After for every tenant, gauge at 1) while a request admitted before still finishes; dropping
 * the ballast lets it serve again without anyone else collecting garbage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryPressureEndpointTest {
    private static final String TOKEN = "pressure-gateway-token";
    private static final long MB = 1 << 20;
    private static final long PIXELS = 1_000_000;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String body = "{\"image_type\":\"base64\",\"data\":\""
            + Base64.getEncoder().encodeToString(TestImages.encode(TestImages.scene(320, 240, 5), "png")) + "\"}";
    private final long ballastBytes = Math.min(768 * MB, Runtime.getRuntime().maxMemory() / 4);
    private ApplicationContext context;
    private Assignment ssdlite;
    private Assignment otherTenant;
    private byte[] ballast;

    @BeforeAll
    void start() throws Exception {
        // Pressure from a heap half a ballast above what is live now: the node's own objects fit below the line,
        // the ballast crosses it, and without the ballast the heap falls under the recovery line again.
        double threshold = (liveHeapAfterGc() + ballastBytes) / (double) Runtime.getRuntime().maxMemory();
        context = ApplicationContext.builder().environments("test").properties(Map.of(
                "kiln.node.agent-enabled", false,
                "kiln.node.gateway-token", TOKEN,
                "kiln.node.memory.pressure-threshold", threshold,
                "kiln.node.memory.check-interval", "200ms",
                "kiln.node.decoding.max-decoded-pixels", PIXELS,
                "kiln.node.decoding.max-wait", "60s")).start();
        context.getBean(EmbeddedServer.class).start();
        ServingSettings settings = new ServingSettings(1, 0, 8, 60_000, "entropy", 0.5);
        ssdlite = TestAssignments.of(SampleModels.SSDLITE, settings);
        otherTenant = TestAssignments.of(SampleModels.MOBILENET, settings);
        for (Assignment a : List.of(ssdlite, otherTenant)) {
            ServingInstance instance = context.getBean(InstanceManager.class).add(a,
                    SampleModels.path(a.modelName() + ".onnx"));
            assertThat(instance.settled().get(60, TimeUnit.SECONDS).status()).isEqualTo(InstanceStatus.READY);
        }
    }

    @AfterAll
    void stop() {
        ballast = null;
        context.close();
    }

    private static long liveHeapAfterGc() {
        System.gc();
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                MemoryUsage afterGc = pool.getCollectionUsage();
                live += (afterGc != null ? afterGc : pool.getUsage()).getUsed();
            }
        }
        return live;
    }

    private HttpResponse<String> predict(Assignment a) throws Exception {
        return http.send(request(a), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(Assignment a) {
        int port = context.getBean(EmbeddedServer.class).getPort();
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/internal/v1/instances/"
                        + a.instanceId() + "/predict"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private double pressureGauge() {
        return context.getBean(MeterRegistry.class).get("kiln.node.memory.pressure").gauge().value();
    }

    @Test
    void aNodeUnderMemoryPressureRefusesNewWorkWith503AndServesEveryTenantAgainOncePressureDrops() throws Exception {
        assertThat(predict(ssdlite).statusCode()).isEqualTo(200);
        assertThat(predict(otherTenant).statusCode()).isEqualTo(200);
        assertThat(pressureGauge()).isZero();

        // A request in flight when pressure comes: it waits for pixels the test holds.
        PixelBudget budget = context.getBean(PixelBudget.class);
        PixelBudget.Permit held = ((PixelBudget.Granted) budget.acquire(PIXELS, 0)).permit();
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(request(ssdlite),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> budget.waiting() == 1);

        ballast = new byte[(int) ballastBytes];
        System.gc();
        await().atMost(Duration.ofSeconds(30)).until(() -> context.getBean(MemoryWatch.class).underPressure());
        HttpResponse<String> refused = predict(ssdlite);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.body()).contains("\"status\":503").contains("short of memory");
        assertThat(predict(otherTenant).statusCode()).isEqualTo(503);
        assertThat(pressureGauge()).isEqualTo(1);
        held.close();
        assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).as("admitted before the pressure").isEqualTo(200);

        ballast = null;
        await().atMost(Duration.ofSeconds(30)).until(() -> predict(ssdlite).statusCode() == 200);
        assertThat(predict(otherTenant).statusCode()).isEqualTo(200);
        assertThat(pressureGauge()).isZero();
    }
}
