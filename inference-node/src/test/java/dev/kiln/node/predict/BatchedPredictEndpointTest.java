package dev.kiln.node.predict;

import dev.kiln.node.runtime.Admission;
import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestAssignments;
import dev.kiln.node.testing.TestImages;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InputSpec;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.ServingSettings;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The predict endpoint on batching instances keeps the answers and the overload behaviour of unbatched ones. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "kiln.node.agent-enabled", value = "false")
@Property(name = "micronaut.server.port", value = "-1")
@Property(name = "kiln.node.gateway-token", value = BatchedPredictEndpointTest.TOKEN)
class BatchedPredictEndpointTest {
    static final String TOKEN = "batched-gateway-token";
    private final HttpClient http = HttpClient.newHttpClient();
    @Inject
    EmbeddedServer server;
    @Inject
    InstanceManager instances;
    @Inject
    JsonMapper json;
    private Assignment single;
    private Assignment batched;

    @BeforeAll
    void load() throws Exception {
        single = ready(TestAssignments.of(SampleModels.MOBILENET, settings(1, 0, 64, 60_000)));
        batched = ready(TestAssignments.of(SampleModels.MOBILENET, settings(4, 10, 64, 60_000)));
    }

    private static ServingSettings settings(int maxBatchSize, long delayMs, int maxQueue, long timeoutMs) {
        return new ServingSettings(maxBatchSize, delayMs, maxQueue, timeoutMs, "entropy", 0.5);
    }

    private Assignment ready(Assignment a) throws Exception {
        ServingInstance instance = instances.add(a, SampleModels.path(SampleModels.MOBILENET));
        assertThat(instance.settled().get(60, TimeUnit.SECONDS).status()).isEqualTo(InstanceStatus.READY);
        return a;
    }

    private HttpRequest request(Assignment a, String body, String predictId) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort()
                        + "/internal/v1/instances/" + a.instanceId() + "/predict"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .header("X-Predict-Id", predictId).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<byte[]> predict(Assignment a, String body, String predictId) throws Exception {
        return http.send(request(a, body, predictId), HttpResponse.BodyHandlers.ofByteArray());
    }

    private Map<String, Object> body(HttpResponse<byte[]> response) throws IOException {
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    private static String image(long seed) {
        byte[] jpeg = TestImages.encode(TestImages.scene(640, 480, seed), "jpg");
        return "{\"image_type\":\"base64\",\"data\":\"" + Base64.getEncoder().encodeToString(jpeg) + "\"}";
    }

    private void assertError(HttpResponse<byte[]> response, int status, String error, String predictId)
            throws IOException {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("X-Predict-Id")).contains(predictId);
        assertThat(body(response)).containsEntry("status", status).containsEntry("error", error)
                .containsEntry("predictId", predictId);
    }

    @Test
    void concurrentRequestsToABatchingInstanceGetTheSameAnswersAsSingleRuns() throws Exception {
        List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(http.sendAsync(request(batched, image(i), "b" + i), HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (int i = 0; i < 8; i++) {
            HttpResponse<byte[]> response = answers.get(i).get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(body(response).get("predictId")).isEqualTo("b" + i);
            List<?> expected = (List<?>) body(predict(single, image(i), "s" + i)).get("predictions");
            List<?> actual = (List<?>) body(response).get("predictions");
            assertThat(tags(actual)).isEqualTo(tags(expected));
        }
        ServingInstance instance = instances.find(batched.instanceId()).orElseThrow();
        assertThat(instance.batching()).isTrue();
        assertThat(instance.batchSizes().snapshot().entrySet().stream()
                .mapToLong(e -> e.getKey() * e.getValue()).sum()).isEqualTo(8);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> tags(List<?> predictions) {
        return predictions.stream().map(p -> ((Map<String, Object>) p).get("tag")).toList();
    }

    @Test
    void aFullBatchingQueueIs503WithRetryAfter() throws Exception {
        ServingInstance instance = instances.find(batched.instanceId()).orElseThrow();
        List<Admission> held = new ArrayList<>();
        try {
            for (var admission = instance.tryAdmit(); admission.isPresent(); admission = instance.tryAdmit()) {
                held.add(admission.get());
            }
            HttpResponse<byte[]> response = predict(batched, image(1), "full");
            assertError(response, 503, "ServiceUnavailable", "full");
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
        } finally {
            held.forEach(Admission::close);
        }
        assertThat(predict(batched, image(1), "after").statusCode()).isEqualTo(200);
    }

    @Test
    void aBatchedPredictionPastTheTimeoutIs504AndFreesItsPlace() throws Exception {
        Assignment hasty = ready(TestAssignments.of(SampleModels.MOBILENET, settings(4, 50, 8, 1)));
        HttpResponse<byte[]> response = predict(hasty, image(2), "slow");
        assertError(response, 504, "GatewayTimeout", "slow");
        ServingInstance instance = instances.find(hasty.instanceId()).orElseThrow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (instance.outstanding() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(instance.outstanding()).isZero();
    }

    @Test
    void aBatchedModelFailureIs500WithItsMessageAndTheInstanceStaysReady() throws Exception {
        // A descriptor that feeds 200×200 to a model fixed at 224×224: the run fails inside ONNX Runtime.
        ModelDescriptor d = TestAssignments.descriptor(SampleModels.MOBILENET);
        InputSpec in = d.input();
        InputSpec wrong = new InputSpec(in.name(), in.layout(), 200, 200, in.colorOrder(), in.scale(), in.mean(),
                in.std(), in.dtype(), in.resize(), in.dynamicBatch());
        Assignment broken = TestAssignments.of(SampleModels.MOBILENET,
                new ModelDescriptor(d.task(), wrong, d.outputAdapter(), d.outputs(), d.labels(), d.options()),
                settings(4, 5, 8, 60_000), List.of());
        ready(broken);
        HttpResponse<byte[]> response = predict(broken, image(3), "boom");
        assertError(response, 500, "InternalServerError", "boom");
        assertThat(body(response).get("message").toString()).startsWith("The model failed:").contains(in.name());
        ServingInstance instance = instances.find(broken.instanceId()).orElseThrow();
        assertThat(instance.batching()).isTrue();
        assertThat(instance.status()).isEqualTo(InstanceStatus.READY);
        assertThat(instance.outstanding()).isZero();
    }
}
