package dev.kiln.node.predict;

import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.node.testing.OnnxModelWriter;
import dev.kiln.node.testing.TestAssignments;
import dev.kiln.node.testing.TestImages;
import dev.kiln.onnx.DescriptorOverrides;
import dev.kiln.onnx.ModelInspector;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.ServingSettings;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routines through the predict endpoint, on a YOLOv8-layout model whose detections are fixed: a cat (0.9) and a dog
 * (0.7) on nearly the same place, and a small cat (0.3) apart. The deployment evaluates by margin at 0.3.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "kiln.node.agent-enabled", value = "false")
@Property(name = "kiln.node.gateway-token", value = RoutinesEndpointTest.TOKEN)
class RoutinesEndpointTest {
    static final String TOKEN = "routines-gateway-token";
    private final HttpClient http = HttpClient.newHttpClient();
    private final String image = Base64.getEncoder().encodeToString(
            TestImages.encode(TestImages.scene(128, 64, 5), "png"));
    @Inject
    EmbeddedServer server;
    @Inject
    InstanceManager instances;
    @Inject
    JsonMapper json;
    private Path dir;
    private Assignment yolo;

    @BeforeAll
    void load() throws Exception {
        dir = Files.createTempDirectory("kiln-routines-");
        float[][] candidates = {{16, 32, 16, 16, 0.9f, 0}, {18, 32, 16, 16, 0, 0.7f}, {48, 32, 8, 8, 0.3f, 0}};
        float[] v = new float[6 * 8];
        for (int i = 0; i < candidates.length; i++) {
            for (int a = 0; a < 6; a++) {
                v[a * 8 + i] = candidates[i][a];
            }
        }
        Path model = new OnnxModelWriter().imageInput("images", 64).metadata("names", "{0: 'cat', 1: 'dog'}")
                .output("output0", new long[]{1, 6, 8}, v).write(dir.resolve("pets.onnx"));
        yolo = TestAssignments.of("pets.onnx", ModelInspector.inspect(model, DescriptorOverrides.NONE),
                new ServingSettings(1, 0, 8, 60_000, "margin", 0.3), List.of());
        ServingInstance instance = instances.add(yolo, model);
        assertThat(instance.settled().get(60, TimeUnit.SECONDS).status()).isEqualTo(InstanceStatus.READY);
    }

    @AfterAll
    void removeModel() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    private HttpResponse<byte[]> predict(String routines, String predictId) throws Exception {
        String body = "{\"image_type\":\"base64\",\"data\":\"" + image + "\",\"routines\":" + routines + "}";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort()
                        + "/internal/v1/instances/" + yolo.instanceId() + "/predict"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .header("X-Predict-Id", predictId)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private Map<String, Object> body(HttpResponse<byte[]> response) throws IOException {
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    @SuppressWarnings("unchecked")
    private static List<String> classNames(Map<String, Object> body) {
        return ((List<Map<String, Object>>) body.get("predictions")).stream()
                .map(p -> ((Map<String, Object>) p.get("tag")).get("name").toString()).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void routineResultsAppearInTheResponseAfterTheFiltersBeforeThem() throws Exception {
        HttpResponse<byte[]> response = predict("[{\"name\":\"FilterIOU\",\"iou\":0.5},"
                + "{\"name\":\"Histogram\",\"args\":{\"bins\":2}},{\"name\":\"ActiveLearning\"}]", "r1");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> body = body(response);
        // FilterIOU suppresses across classes: the dog on the cat goes.
        assertThat(classNames(body)).containsExactly("cat", "cat");
        assertThat((List<Map<String, Object>>) body.get("predictions")).extracting(p -> p.get("annotationId"))
                .containsExactly(0, 1);
        Map<String, Object> routines = (Map<String, Object>) body.get("routines");
        Map<String, Object> histogram = (Map<String, Object>) routines.get("Histogram");
        assertThat(histogram).containsEntry("total", 2).containsEntry("classes", Map.of("cat", 2));
        assertThat((List<Map<String, Object>>) histogram.get("confidence")).extracting(b -> b.get("count"))
                .containsExactly(1, 1);
        // Margin of the most uncertain box, the 0.3 cat: 1 − |2·0.3 − 1| = 0.6, above the deployment's 0.3.
        Map<String, Object> active = (Map<String, Object>) routines.get("ActiveLearning");
        assertThat(active).containsEntry("strategy", "margin").containsEntry("threshold", 0.3)
                .containsEntry("flagged", true);
        assertThat(((Number) active.get("score")).doubleValue()).isEqualTo(0.6);
    }

    @Test
    void classFiltersKeepAndDropByName() throws Exception {
        assertThat(classNames(body(predict("[{\"name\":\"FilterClass\",\"args\":{\"class_name\":[\"dog\"]}}]",
                "r2")))).containsExactly("dog");
        assertThat(classNames(body(predict("[{\"name\":\"ExcludeClass\",\"class_name\":[\"dog\"]}]", "r3"))))
                .containsExactly("cat", "cat");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBadRoutineArgumentIsA400NamingTheRoutineAndTheArgument() throws Exception {
        HttpResponse<byte[]> response = predict("[{\"name\":\"FilterConfidence\",\"confidence\":0.2},"
                + "{\"name\":\"FilterIOU\",\"args\":{\"iou\":\"high\"}}]", "r4");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("X-Predict-Id")).contains("r4");
        Map<String, Object> body = body(response);
        assertThat(body).containsEntry("status", 400).containsEntry("error", "BadRequest")
                .containsEntry("predictId", "r4");
        assertThat(body.get("message").toString()).contains("FilterIOU").contains("iou");
        assertThat((List<Map<String, Object>>) body.get("detail")).singleElement()
                .satisfies(d -> assertThat(d).containsEntry("loc", List.of("body", "routines", "1", "args", "iou"))
                        .containsEntry("type", "value_error.number"));
    }
}
