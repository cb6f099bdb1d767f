package dev.kiln.node.predict;

import dev.kiln.node.testing.NodeProcess;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestImages;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of 40 MP PNGs, each within the pixel limit, against a node in its own JVM with a small heap and room to
 * decode one of them at a time: every answer is 200 or 503 with {@code Retry-After} (queue full, or no pixels free
 * within the decode wait), and the node keeps serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecodedPixelBurstTest {
    private static final String TOKEN = "burst-gateway-token";
    private static final int BURST = 20;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.createDefault();
    private NodeProcess node;

    @BeforeAll
    void startNode() {
        node = NodeProcess.start(SampleModels.SSDLITE, 100_000, 60_000, List.of("-Xmx256m", "-XX:MaxDirectMemorySize=512m"), Map.of(
                "kiln.node.gateway-token", TOKEN,
                "kiln.node.decoding.max-decoded-pixels", "40000000",
                "kiln.node.decoding.max-wait", "50ms",
                "micronaut.server.max-request-size", "1MB"));
    }

    @AfterAll
    void stopNode() {
        node.close();
    }

    private HttpRequest predict(byte[] png) {
        String body = "{\"image_type\":\"base64\",\"data\":\"" + Base64.getEncoder().encodeToString(png) + "\"}";
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/internal/v1/instances/"
                        + node.instanceId() + "/predict"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private Map<String, Object> body(HttpResponse<byte[]> response) throws IOException {
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    @Test
    void aBurstOfFortyMegapixelImagesIsAnsweredWith200Or503AndTheNodeKeepsServing() throws Exception {
        byte[] large = TestImages.flatPng(8000, 5000);
        List<CompletableFuture<HttpResponse<byte[]>>> burst = IntStream.range(0, BURST)
                .mapToObj(i -> http.sendAsync(predict(large), HttpResponse.BodyHandlers.ofByteArray())).toList();
        List<HttpResponse<byte[]>> answers = burst.stream().map(CompletableFuture::join).toList();

        assertThat(answers).extracting(HttpResponse::statusCode).as(node.log()).allMatch(s -> s == 200 || s == 503)
                .contains(200);
        List<String> refusals = new ArrayList<>();
        for (HttpResponse<byte[]> refused : answers.stream().filter(r -> r.statusCode() == 503).toList()) {
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(body(refused)).containsEntry("status", 503);
            refusals.add((String) body(refused).get("message"));
        }
        // Fourteen admitted, one decoded at a time: decoding 40 MP takes longer than the others may wait.
        assertThat(refusals).anyMatch(m -> m.contains("decoding as many images as its memory allows"));
        assertThat(node.alive()).isTrue();
        HttpResponse<byte[]> small = http.send(predict(TestImages.encode(TestImages.scene(640, 480, 3), "png")),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(management("/health").statusCode()).isEqualTo(200);
        // Every image gave its pixels back, answered or refused.
        assertThat(management("/prometheus").body()).containsPattern("(?m)^kiln_node_decoding_pixels_held\\S* 0\\.0$")
                .containsPattern("(?m)^kiln_node_decoding_waiting\\S* 0\\.0$");
    }

    private HttpResponse<String> management(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theInstanceInfoShowsTheQueueClampedToWhatTheDirectMemoryHolds() throws Exception {
        HttpResponse<byte[]> info = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port()
                        + "/internal/v1/instances/" + node.instanceId())).header("Authorization", "Bearer " + TOKEN)
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(info.statusCode()).isEqualTo(200);
        Map<String, Object> body = body(info);
        // ssdlite takes any size, so its tensor is up to 1333 × 1333 × 3 floats (21 MB): half of 512 MB of direct
        // memory holds 12 of them (half the 256 MB heap would hold 128 bodies of the 1 MB the node accepts).
        assertThat(body).containsEntry("maxQueue", 100_000).containsEntry("effectiveMaxQueue", 12)
                .containsEntry("maxQueueClampedBy", "directMemory");
    }
}
