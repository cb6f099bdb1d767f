package dev.kiln.node.predict;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.RuntimeConfig;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.node.testing.OnnxModelWriter;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestAssignments;
import dev.kiln.onnx.Ort;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.ErrorBody;
import dev.kiln.protocol.InstanceStatus;
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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The Open Inference Protocol v2 instance endpoints over real HTTP, on the MobileNetV3-Small sample. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "kiln.node.agent-enabled", value = "false")
@Property(name = "kiln.node.gateway-token", value = TensorEndpointTest.TOKEN)
class TensorEndpointTest {
    static final String TOKEN = "test-gateway-token";
    private static final int PIXELS = 3 * 224 * 224;
    private final HttpClient http = HttpClient.newHttpClient();
    @Inject
    EmbeddedServer server;
    @Inject
    InstanceManager instances;
    @Inject
    JsonMapper json;
    private Assignment mobilenet;
    private Assignment twoInputs;

    @BeforeAll
    void load() throws Exception {
        ServingSettings settings = new ServingSettings(1, 0, 8, 60_000, "entropy", 0.5);
        mobilenet = TestAssignments.of(SampleModels.MOBILENET, settings);
        ServingInstance instance = instances.add(mobilenet, SampleModels.path(SampleModels.MOBILENET));
        assertThat(instance.settled().get(60, TimeUnit.SECONDS).status()).isEqualTo(InstanceStatus.READY);
        // Integer inputs and outputs and more than one input: a small real model written for the test.
        Path model = new OnnxModelWriter()
                .input("ids", OnnxModelWriter.INT64, 1, 4)
                .input("mask", OnnxModelWriter.UINT8, 1, 4)
                .output("counts", new long[]{1, 3}, 5L, 6L, 7L)
                .output("scores", new long[]{2}, 0.25f, 0.75f)
                .write(Files.createTempFile("two-inputs", ".onnx"));
        twoInputs = TestAssignments.of("two_inputs.onnx", TestAssignments.descriptor(SampleModels.MOBILENET),
                settings, List.of());
        ServingInstance second = instances.add(twoInputs, model);
        assertThat(second.settled().get(60, TimeUnit.SECONDS).status()).isEqualTo(InstanceStatus.READY);
    }

    @Test
    @SuppressWarnings("unchecked")
    void integerTensorsAndSeveralInputsAndOutputsAreSupported() throws Exception {
        String both = "{\"inputs\":[{\"name\":\"mask\",\"datatype\":\"UINT8\",\"shape\":[1,4],\"data\":[0,1,255,3]},"
                + "{\"name\":\"ids\",\"datatype\":\"INT64\",\"shape\":[1,4],\"data\":[[1,-2,9007199254740993,4]]}]}";

        HttpResponse<byte[]> response = infer(twoInputs, both, null);

        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
        List<Map<String, Object>> outputs = (List<Map<String, Object>>) map(response).get("outputs");
        assertThat(outputs).containsExactlyInAnyOrder(
                Map.of("name", "counts", "datatype", "INT64", "shape", List.of(1, 3), "data", List.of(5, 6, 7)),
                Map.of("name", "scores", "datatype", "FP32", "shape", List.of(2), "data", List.of(0.25, 0.75)));
        HttpResponse<byte[]> metadata = get(twoInputs, "/metadata", "Bearer " + TOKEN);
        assertThat((List<Object>) map(metadata).get("inputs")).containsExactlyInAnyOrder(
                Map.of("name", "ids", "datatype", "INT64", "shape", List.of(1, 4)),
                Map.of("name", "mask", "datatype", "UINT8", "shape", List.of(1, 4)));

        String idsOnly = "{\"inputs\":[{\"name\":\"ids\",\"datatype\":\"INT64\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}";
        ErrorBody missing = json.readValue(infer(twoInputs, idsOnly, null).body(), ErrorBody.class);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.message()).contains("'mask'");
        assertThat(missing.detail()).extracting(ErrorBody.Detail::loc).containsExactly(List.of("body", "inputs"));
        String outOfRange = both.replace("255", "256");
        assertThat(json.readValue(infer(twoInputs, outOfRange, null).body(), ErrorBody.class).detail())
                .extracting(ErrorBody.Detail::loc).containsExactly(List.of("body", "inputs", "0", "data"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void metadataListsTheModelsTensorsWithDynamicDimensionsAsMinusOne() throws Exception {
        HttpResponse<byte[]> response = get("/metadata", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Predict-Id")).isPresent();
        Map<String, Object> body = map(response);
        assertThat(body).containsEntry("name", mobilenet.deploymentId().toString())
                .containsEntry("versions", List.of(mobilenet.versionTag()))
                .containsEntry("platform", "onnxruntime");
        assertThat((List<Object>) body.get("inputs")).containsExactly(
                Map.of("name", "input", "datatype", "FP32", "shape", List.of(-1, 3, 224, 224)));
        assertThat((List<Object>) body.get("outputs")).containsExactly(
                Map.of("name", "logits", "datatype", "FP32", "shape", List.of(-1, 1000)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void inferRunsTheGivenTensorThroughTheModelAndReturnsItsRawOutputs() throws Exception {
        float[] pixels = pattern(1, 0.37f);

        HttpResponse<byte[]> response = infer(request("req-1", "FP32", "[1,3,224,224]", flat(pixels), ""), "p-9");

        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Predict-Id")).contains("p-9");
        Map<String, Object> body = map(response);
        assertThat(body).containsEntry("model_name", mobilenet.deploymentId().toString())
                .containsEntry("model_version", mobilenet.versionTag()).containsEntry("id", "req-1");
        List<Map<String, Object>> outputs = (List<Map<String, Object>>) body.get("outputs");
        assertThat(outputs).hasSize(1);
        assertThat(outputs.getFirst()).containsEntry("name", "logits").containsEntry("datatype", "FP32")
                .containsEntry("shape", List.of(1, 1000));
        List<Number> logits = (List<Number>) outputs.getFirst().get("data");
        float[] expected = runDirectly(pixels, 1);
        assertThat(logits).hasSize(1000);
        for (int k = 0; k < expected.length; k++) {
            assertThat(logits.get(k).floatValue()).isCloseTo(expected[k], within(1e-3f));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void nestedDataAndABatchOfTwoGiveOneRowOfOutputsPerItem() throws Exception {
        float[] pixels = pattern(2, 0.11f);
        StringBuilder nested = new StringBuilder("[");
        for (int item = 0; item < 2; item++) {
            float[] one = new float[PIXELS];
            System.arraycopy(pixels, item * PIXELS, one, 0, PIXELS);
            nested.append(item == 0 ? "" : ",").append("[").append(flat(one)).append("]");
        }
        nested.append("]");

        HttpResponse<byte[]> response = infer(request(null, "FP32", "[2,3,224,224]", nested.toString(),
                ",\"outputs\":[{\"name\":\"logits\"}]"), null);

        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
        Map<String, Object> output = ((List<Map<String, Object>>) map(response).get("outputs")).getFirst();
        assertThat(output).containsEntry("shape", List.of(2, 1000));
        List<Number> logits = (List<Number>) output.get("data");
        float[] expected = runDirectly(pixels, 2);
        assertThat(logits).hasSize(2000);
        for (int k = 0; k < expected.length; k += 97) {
            assertThat(logits.get(k).floatValue()).isCloseTo(expected[k], within(1e-3f));
        }
        String predictId = response.headers().firstValue("X-Predict-Id").orElseThrow();
        assertThat(map(response)).containsEntry("id", predictId);
    }

    @Test
    void badTensorsAre400WithTheProblemsLocation() throws Exception {
        String pixels = flat(pattern(1, 0.5f));
        record Case(String body, List<String> loc) {
        }
        List<Case> cases = List.of(
                new Case(request(null, "FP32", "[1,3,224,224]", "1,2,3", ""), List.of("body", "inputs", "0", "data")),
                new Case(request(null, "FP32", "[1,3,224,224]", pixels + ",1", ""),
                        List.of("body", "inputs", "0", "data")),
                new Case(request(null, "FLOAT", "[1,3,224,224]", pixels, ""),
                        List.of("body", "inputs", "0", "datatype")),
                new Case(request(null, "INT64", "[1,3,224,224]", String.join(",", Collections.nCopies(PIXELS, "7")), ""),
                        List.of("body", "inputs", "0", "datatype")),
                new Case(request(null, "INT32", "[1,3,224,224]", pixels, ""), List.of("body", "inputs", "0", "data")),
                new Case(request(null, "UINT8", "[3]", "1,2,256", ""), List.of("body", "inputs", "0", "data")),
                new Case(request(null, "FP32", "[1,3,100,100]", flat(new float[30_000]), ""),
                        List.of("body", "inputs", "0", "shape")),
                new Case(request(null, "FP32", "[1,3,224,-224]", pixels, ""), List.of("body", "inputs", "0", "shape")),
                new Case(request(null, "FP32", "[1,3,224,224]", pixels, ",\"outputs\":[{\"name\":\"boxes\"}]"),
                        List.of("body", "outputs", "0", "name")),
                new Case(request(null, "FP32", "[1,3,224,224]", "\"abc\"", ""), List.of("body", "inputs", "0", "data")),
                new Case("{\"inputs\":[{\"name\":\"pixels\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}",
                        List.of("body", "inputs", "0", "name")),
                new Case("{\"inputs\":[]}", List.of("body", "inputs")),
                new Case("{\"inputs\":", List.of("body")),
                new Case("[]", List.of("body")));
        for (Case c : cases) {
            HttpResponse<byte[]> response = infer(c.body(), "bad-1");
            ErrorBody error = json.readValue(response.body(), ErrorBody.class);
            assertThat(response.statusCode()).as(c.body().substring(0, Math.min(120, c.body().length())))
                    .isEqualTo(400);
            assertThat(error.error()).isEqualTo("BadRequest");
            assertThat(error.predictId()).isEqualTo("bad-1");
            assertThat(response.headers().firstValue("X-Predict-Id")).contains("bad-1");
            assertThat(error.detail()).extracting(ErrorBody.Detail::loc).as(error.message()).contains(c.loc());
        }
    }

    @Test
    void aMissingGatewayTokenIs401AndAnUnknownInstanceIs404() throws Exception {
        HttpResponse<byte[]> unauthorized = get("/metadata", null);
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(json.readValue(unauthorized.body(), ErrorBody.class).predictId())
                .isEqualTo(unauthorized.headers().firstValue("X-Predict-Id").orElseThrow());

        HttpResponse<byte[]> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.getPort() + "/internal/v1/instances/" + UUID.randomUUID() + "/infer"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json.readValue(unknown.body(), ErrorBody.class).error()).isEqualTo("NotFound");
        assertThat(unknown.headers().firstValue("X-Predict-Id")).isPresent();
    }

    // --- helpers

    /** Varied, deterministic values in roughly the normalized-image range. */
    private static float[] pattern(int batch, float seed) {
        float[] values = new float[batch * PIXELS];
        for (int k = 0; k < values.length; k++) {
            values[k] = (float) Math.sin(k * seed) * 2f;
        }
        return values;
    }

    private static String flat(float[] values) {
        StringBuilder out = new StringBuilder(values.length * 12);
        for (int k = 0; k < values.length; k++) {
            out.append(k == 0 ? "" : ",").append(values[k]);
        }
        return out.toString();
    }

    private static String request(String id, String datatype, String shape, String data, String extra) {
        return "{" + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"inputs\":[{\"name\":\"input\",\"datatype\":\""
                + datatype + "\",\"shape\":" + shape + ",\"data\":[" + data + "]}]" + extra + "}";
    }

    /** The same tensor through a session of our own, for the values the endpoint must return. */
    private static float[] runDirectly(float[] pixels, int batch) throws Exception {
        OrtEnvironment env = Ort.environment(new RuntimeConfig(null, 0, 0, false).ortCacheDir());
        try (OrtSession session = env.createSession(SampleModels.path(SampleModels.MOBILENET).toString(),
                new OrtSession.SessionOptions());
             OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[]{batch, 3, 224, 224});
             OrtSession.Result result = session.run(Map.of("input", tensor))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }

    private HttpResponse<byte[]> infer(String body, String predictId) throws Exception {
        return infer(mobilenet, body, predictId);
    }

    private HttpResponse<byte[]> infer(Assignment instance, String body, String predictId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort()
                        + "/internal/v1/instances/" + instance.instanceId() + "/infer"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (predictId != null) {
            request.header("X-Predict-Id", predictId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String suffix, String authorization) throws Exception {
        return get(mobilenet, suffix, authorization);
    }

    private HttpResponse<byte[]> get(Assignment instance, String suffix, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort()
                + "/internal/v1/instances/" + instance.instanceId() + suffix)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private Map<String, Object> map(HttpResponse<byte[]> response) throws Exception {
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }
}
