package dev.kiln.node.predict;

import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestAssignments;
import dev.kiln.node.testing.TestImages;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.ServingSettings;
import dev.kiln.protocol.Task;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Output adapter raw on the predict endpoint: the model's output tensors as they are, within a size limit. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "kiln.node.agent-enabled", value = "false")
@Property(name = "kiln.node.gateway-token", value = RawPredictEndpointTest.TOKEN)
class RawPredictEndpointTest {
    static final String TOKEN = "test-gateway-token";
    private static final ServingSettings SETTINGS = new ServingSettings(1, 0, 8, 60_000, "entropy", 0.5);
    private final HttpClient http = HttpClient.newHttpClient();
    private final String scene = "{\"image_type\":\"base64\",\"data\":\"" + Base64.getEncoder().encodeToString(
            TestImages.encode(TestImages.scene(640, 480, 5), "png")) + "\"";
    @Inject
    EmbeddedServer server;
    @Inject
    InstanceManager instances;
    @Inject
    JsonMapper json;
    private Assignment detector;
    private Assignment raw;
    private Assignment capped;

    @BeforeAll
    void load() throws Exception {
        ModelDescriptor inferred = TestAssignments.descriptor(SampleModels.SSDLITE);
        detector = TestAssignments.of(SampleModels.SSDLITE, SETTINGS);
        raw = TestAssignments.of(SampleModels.SSDLITE, rawOf(inferred, Map.of()), SETTINGS, List.of());
        capped = TestAssignments.of(SampleModels.SSDLITE, rawOf(inferred, Map.of("maxRawValues", 10)), SETTINGS,
                List.of());
        for (Assignment a : List.of(detector, raw, capped)) {
            ServingInstance instance = instances.add(a, SampleModels.path(SampleModels.SSDLITE));
            assertThat(instance.settled().get(60, TimeUnit.SECONDS).status()).isEqualTo(InstanceStatus.READY);
        }
    }

    private static ModelDescriptor rawOf(ModelDescriptor d, Map<String, Object> options) {
        return new ModelDescriptor(Task.RAW, d.input(), "raw", Map.of(), d.labels(), options);
    }

    private HttpResponse<byte[]> predict(Assignment a, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort()
                                + "/internal/v1/instances/" + a.instanceId() + "/predict"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private Map<String, Object> body(HttpResponse<byte[]> response) throws Exception {
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRawModelAnswersWithItsOutputTensorsThatTheDetectorAdapterWouldHaveRead() throws Exception {
        HttpResponse<byte[]> response = predict(raw, scene + "}");
        assertThat(response.statusCode()).isEqualTo(200);
        List<Map<String, Object>> tensors = (List<Map<String, Object>>) body(response).get("predictions");
        assertThat(tensors).extracting(t -> t.get("name")).containsExactly("boxes", "scores", "labels");
        assertThat(tensors).extracting(t -> t.get("dtype")).containsExactly("float32", "float32", "int64");
        for (Map<String, Object> t : tensors) {
            long values = ((List<Number>) t.get("shape")).stream().mapToLong(Number::longValue).reduce(1, (a, b) -> a * b);
            assertThat((List<?>) t.get("data")).hasSize((int) values);
        }
        List<Number> scores = (List<Number>) tensors.get(1).get("data");
        assertThat(scores).isNotEmpty();

        List<Map<String, Object>> detections = (List<Map<String, Object>>) body(predict(detector, scene + "}"))
                .get("predictions");
        assertThat(detections).extracting(p -> ((Number) p.get("confidence")).doubleValue())
                .containsExactlyElementsOf(scores.stream().map(Number::doubleValue)
                        .map(s -> Math.round(s * 1e6) / 1e6).sorted(Comparator.reverseOrder()).toList());
    }

    @Test
    void outputsOverTheRawValueLimitFailWithAMessageNamingTheOption() throws Exception {
        HttpResponse<byte[]> response = predict(capped, scene + "}");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat((String) body(response).get("message")).contains("maxRawValues").doesNotContain("Exception");
        assertThat(predict(raw, scene + "}").statusCode()).isEqualTo(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void routinesOnARawModelAreRefusedAsBadInput() throws Exception {
        HttpResponse<byte[]> response = predict(raw, scene + ",\"routines\":[{\"name\":\"FilterConfidence\","
                + "\"args\":{\"confidence\":0.5}}]}");
        assertThat(response.statusCode()).isEqualTo(400);
        Map<String, Object> detail = ((List<Map<String, Object>>) body(response).get("detail")).getFirst();
        assertThat((List<String>) detail.get("loc")).containsExactly("body", "routines");
    }
}
