package dev.kiln.node.predict;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestAssignments;
import dev.kiln.node.testing.TestImages;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The predict endpoint over real HTTP, with instances loaded from the sample files as the agent would load them. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "kiln.node.agent-enabled", value = "false")
@Property(name = "kiln.node.gateway-token", value = PredictEndpointTest.TOKEN)
@Property(name = "kiln.node.images.allow-private-urls", value = "true")
@Property(name = "micronaut.server.max-request-size", value = "2MB")
class PredictEndpointTest {
    static final String TOKEN = "test-gateway-token";
    private static final ServingSettings SETTINGS = new ServingSettings(1, 0, 8, 60_000, "entropy", 0.5);
    private final HttpClient http = HttpClient.newHttpClient();
    @Inject
    EmbeddedServer server;
    @Inject
    InstanceManager instances;
    @Inject
    JsonMapper json;
    private Assignment ssdlite;
    private Assignment ppocr;
    private HttpServer images;
    private final byte[] scenePng = TestImages.encode(TestImages.scene(640, 480, 11), "png");

    @BeforeAll
    void load() throws Exception {
        ssdlite = TestAssignments.of(SampleModels.SSDLITE, SETTINGS);
        ppocr = TestAssignments.of(SampleModels.PPOCR, SETTINGS);
        for (Assignment a : List.of(ssdlite, ppocr)) {
            ServingInstance instance = instances.add(a, SampleModels.path(a.modelName() + ".onnx"));
            assertThat(instance.settled().get(60, TimeUnit.SECONDS).status()).isEqualTo(InstanceStatus.READY);
        }
        images = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        images.createContext("/scene.png", ex -> {
            ex.getResponseHeaders().set("Content-Type", "image/png");
            ex.sendResponseHeaders(200, scenePng.length);
            ex.getResponseBody().write(scenePng);
            ex.close();
        });
        images.start();
    }

    @AfterAll
    void stopImages() {
        images.stop(0);
    }

    private HttpResponse<byte[]> predict(UUID instance, String body, String authorization, String predictId)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort()
                        + "/internal/v1/instances/" + instance + "/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (predictId != null) {
            request.header("X-Predict-Id", predictId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> predict(UUID instance, String body, String predictId) throws Exception {
        return predict(instance, body, "Bearer " + TOKEN, predictId);
    }

    private Map<String, Object> body(HttpResponse<byte[]> response) throws IOException {
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    private static String base64Body(byte[] image, String extra) {
        return "{\"image_type\":\"base64\",\"data\":\"data:image/png;base64," + Base64.getEncoder().encodeToString(image)
                + "\"" + extra + "}";
    }

    @Test
    @SuppressWarnings("unchecked")
    void base64PredictionHasTheBodyOfDesign41() throws Exception {
        HttpResponse<byte[]> response = predict(ssdlite.instanceId(), base64Body(scenePng, ""), "p-123");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Predict-Id")).contains("p-123");
        Map<String, Object> body = body(response);
        assertThat(body).containsKeys("predictId", "deploymentId", "model", "image", "predictions", "routines", "timing");
        assertThat(body.get("predictId")).isEqualTo("p-123");
        assertThat(body.get("deploymentId")).isEqualTo(ssdlite.deploymentId().toString());
        assertThat((Map<String, Object>) body.get("model")).containsEntry("name", "ssdlite320_mobilenet_v3")
                .containsEntry("versionTag", "v1").containsEntry("task", "object_detection");
        assertThat((Map<String, Object>) body.get("image")).containsEntry("width", 640).containsEntry("height", 480);
        assertThat((Map<String, Object>) body.get("routines")).isEmpty();
        assertThat((Map<String, Object>) body.get("timing")).containsOnlyKeys("queueMs", "preprocessMs", "inferenceMs",
                "postprocessMs", "totalMs");
        List<Map<String, Object>> predictions = (List<Map<String, Object>>) body.get("predictions");
        assertThat(predictions).isNotEmpty();
        for (int i = 0; i < predictions.size(); i++) {
            Map<String, Object> p = predictions.get(i);
            assertThat(p.get("annotationId")).isEqualTo(i);
            assertThat(p.get("boundType")).isEqualTo("rectangle");
            assertThat(p).containsKeys("confidence", "tag").doesNotContainKeys("contour", "contourType");
            assertThat((Map<String, Object>) p.get("tag")).containsKeys("id", "name");
            List<List<Number>> bound = (List<List<Number>>) p.get("bound");
            assertThat(bound).hasSize(4).allSatisfy(point -> assertThat(point).hasSize(2)
                    .allSatisfy(v -> assertThat(v.doubleValue()).isBetween(0.0, 1.0)));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void filterConfidenceRoutineIsApplied() throws Exception {
        Map<String, Object> all = body(predict(ssdlite.instanceId(), base64Body(scenePng, ""), null));
        Map<String, Object> filtered = body(predict(ssdlite.instanceId(), base64Body(scenePng,
                ",\"routines\":[{\"name\":\"FilterConfidence\",\"args\":{\"confidence\":0.3}}]"), null));
        List<Map<String, Object>> kept = (List<Map<String, Object>>) filtered.get("predictions");
        long expected = ((List<Map<String, Object>>) all.get("predictions")).stream()
                .filter(p -> ((Number) p.get("confidence")).doubleValue() >= 0.3).count();
        assertThat(kept).hasSize((int) expected);
        assertThat(kept).allSatisfy(p -> assertThat(((Number) p.get("confidence")).doubleValue()).isGreaterThanOrEqualTo(0.3));
        assertThat(filtered.get("predictId")).isNotNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void arrayAndUrlInputs() throws Exception {
        java.awt.image.BufferedImage small = TestImages.scene(40, 30, 3);
        HttpResponse<byte[]> array = predict(ssdlite.instanceId(),
                "{\"image_type\":\"array\",\"data\":" + TestImages.jsonArray(small) + "}", null);
        assertThat(array.statusCode()).isEqualTo(200);
        assertThat((Map<String, Object>) body(array).get("image")).containsEntry("width", 40).containsEntry("height", 30);
        HttpResponse<byte[]> url = predict(ssdlite.instanceId(), "{\"image_type\":\"url\",\"data\":\"http://127.0.0.1:"
                + images.getAddress().getPort() + "/scene.png\"}", null);
        assertThat(url.statusCode()).isEqualTo(200);
        assertThat((Map<String, Object>) body(url).get("image")).containsEntry("width", 640);
        assertThat((List<?>) body(url).get("predictions")).isNotEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void textDetectorReturnsRegionsWithContours() throws Exception {
        byte[] text = TestImages.encode(TestImages.text(640, 200, new String[]{"Kiln serves models"}, 40,
                TestImages.newBoxes()), "png");
        HttpResponse<byte[]> response = predict(ppocr.instanceId(), base64Body(text, ""), null);
        assertThat(response.statusCode()).isEqualTo(200);
        List<Map<String, Object>> regions = (List<Map<String, Object>>) body(response).get("predictions");
        // DB may join words of a line into one region.
        assertThat(regions).hasSizeGreaterThanOrEqualTo(2).allSatisfy(r -> {
            assertThat(r).containsEntry("boundType", "rectangle").containsEntry("contourType", "polygon");
            assertThat((List<?>) r.get("contour")).hasSize(4);
            assertThat((Map<String, Object>) r.get("tag")).containsEntry("id", 0).containsEntry("name", "text");
        });
    }

    private void assertError(HttpResponse<byte[]> response, int status, String error, String predictId)
            throws IOException {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("X-Predict-Id")).contains(predictId);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        Map<String, Object> body = body(response);
        assertThat(body).containsEntry("status", status).containsEntry("error", error)
                .containsEntry("predictId", predictId).containsKeys("message", "detail");
        assertThat(body.get("message").toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    @SuppressWarnings("unchecked")
    void invalidBase64IsA400WithDetail() throws Exception {
        HttpResponse<byte[]> response = predict(ssdlite.instanceId(),
                "{\"image_type\":\"base64\",\"data\":\"%%% not base64 %%%\"}", "bad-b64");
        assertError(response, 400, "BadRequest", "bad-b64");
        assertThat((List<Map<String, Object>>) body(response).get("detail")).singleElement().satisfies(d -> {
            assertThat(d).containsEntry("loc", List.of("body", "data")).containsEntry("type", "value_error.base64");
            assertThat(d).containsKey("msg");
        });
    }

    @Test
    void badRequestsAre400() throws Exception {
        assertError(predict(ssdlite.instanceId(), "{\"image_type\": ", "m1"), 400, "BadRequest", "m1");
        assertError(predict(ssdlite.instanceId(), "{\"image_type\":\"pdf\",\"data\":\"x\"}", "m2"), 400,
                "BadRequest", "m2");
        assertError(predict(ssdlite.instanceId(), base64Body("not an image at all".getBytes(), ""), "m3"), 400,
                "BadRequest", "m3");
        assertError(predict(ssdlite.instanceId(), "{\"image_type\":\"array\",\"data\":[[[1,2]]]}", "m4"), 400,
                "BadRequest", "m4");
        assertError(predict(ssdlite.instanceId(), "{\"image_type\":\"url\",\"data\":\"ftp://example.com/a.png\"}",
                "m5"), 400, "BadRequest", "m5");
        HttpResponse<byte[]> routine = predict(ssdlite.instanceId(), base64Body(scenePng,
                ",\"routines\":[{\"name\":\"Blur\"}]"), "m6");
        assertError(routine, 400, "BadRequest", "m6");
        assertThat(body(routine).get("message").toString()).contains("Blur");
    }

    @Test
    void pixelBombIsA413() throws Exception {
        byte[] bomb = TestImages.pngHeader(30_000, 30_000);
        assertError(predict(ssdlite.instanceId(), base64Body(bomb, ""), "bomb"), 413, "PayloadTooLarge", "bomb");
    }

    @Test
    void aFullQueueIs503WithRetryAfter() throws Exception {
        ServingInstance instance = instances.find(ssdlite.instanceId()).orElseThrow();
        List<dev.kiln.node.runtime.Admission> held = new java.util.ArrayList<>();
        try {
            for (var admission = instance.tryAdmit(); admission.isPresent(); admission = instance.tryAdmit()) {
                held.add(admission.get());
            }
            HttpResponse<byte[]> response = predict(ssdlite.instanceId(), base64Body(scenePng, ""), "full");
            assertError(response, 503, "ServiceUnavailable", "full");
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
        } finally {
            held.forEach(dev.kiln.node.runtime.Admission::close);
        }
        assertThat(predict(ssdlite.instanceId(), base64Body(scenePng, ""), null).statusCode()).isEqualTo(200);
    }

    @Test
    void aPredictionPastTheTimeoutIs504AndFreesItsPlaceWhenTheRunEnds() throws Exception {
        Assignment hasty = TestAssignments.of(SampleModels.SSDLITE, new ServingSettings(1, 0, 8, 1, "entropy", 0.5));
        ServingInstance instance = instances.add(hasty, SampleModels.path(SampleModels.SSDLITE));
        assertThat(instance.settled().get(60, TimeUnit.SECONDS).status()).isEqualTo(InstanceStatus.READY);
        HttpResponse<byte[]> response = predict(hasty.instanceId(), base64Body(scenePng, ""), "slow");
        assertError(response, 504, "GatewayTimeout", "slow");
        assertThat(body(response).get("message").toString()).contains("1 ms");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (instance.outstanding() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(instance.outstanding()).isZero();
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String huge = "{\"image_type\":\"base64\",\"data\":\"" + "A".repeat(3 << 20) + "\"}";
        assertError(predict(ssdlite.instanceId(), huge, "big"), 413, "PayloadTooLarge", "big");
    }

    @Test
    void aMissingOrWrongGatewayTokenIs401() throws Exception {
        String body = base64Body(scenePng, "");
        assertError(predict(ssdlite.instanceId(), body, null, "a1"), 401, "Unauthorized", "a1");
        assertError(predict(ssdlite.instanceId(), body, "Bearer wrong-token", "a2"), 401, "Unauthorized", "a2");
        assertError(predict(ssdlite.instanceId(), body, "Basic " + TOKEN, "a3"), 401, "Unauthorized", "a3");
        assertError(predict(ssdlite.instanceId(), body, "Bearer " + TOKEN + "x", "a4"), 401, "Unauthorized", "a4");
    }

    @Test
    void anUnknownInstanceIs404() throws Exception {
        assertError(predict(UUID.randomUUID(), base64Body(scenePng, ""), "n1"), 404, "NotFound", "n1");
        HttpResponse<byte[]> notUuid = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.getPort() + "/internal/v1/instances/not-a-uuid/predict"))
                .header("Authorization", "Bearer " + TOKEN).header("X-Predict-Id", "n2")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertError(notUuid, 404, "NotFound", "n2");
    }

    @Test
    void micronautsOwnErrorsUseTheSameBodyAndCarryThePredictId() throws Exception {
        HttpResponse<byte[]> wrongMethod = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.getPort() + "/internal/v1/instances/" + ssdlite.instanceId() + "/predict"))
                .header("X-Predict-Id", "w1").DELETE().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertError(wrongMethod, 405, "MethodNotAllowed", "w1");
        HttpResponse<byte[]> noRoute = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.getPort() + "/internal/v1/instances/" + ssdlite.instanceId() + "/nothing"))
                .header("X-Predict-Id", "w2").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertError(noRoute, 404, "NotFound", "w2");
    }

    @Test
    void aPredictIdIsMadeWhenTheGatewayGivesNone() throws Exception {
        HttpResponse<byte[]> response = predict(ssdlite.instanceId(), "{}", null);
        String id = response.headers().firstValue("X-Predict-Id").orElseThrow();
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(body(response).get("predictId")).isEqualTo(id);
    }

    @Test
    @SuppressWarnings("unchecked")
    void instanceInfoShowsStatusAndDescriptor() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.getPort() + "/internal/v1/instances/" + ppocr.instanceId());
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> body = body(response);
        assertThat(body).containsEntry("instanceId", ppocr.instanceId().toString())
                .containsEntry("deploymentId", ppocr.deploymentId().toString())
                .containsEntry("status", "READY");
        Map<String, Object> descriptor = (Map<String, Object>) body.get("descriptor");
        assertThat(descriptor).containsEntry("outputAdapter", "prob_map").containsEntry("task", "object_detection");
        assertThat((Map<String, Object>) descriptor.get("input")).containsEntry("name", "x");
        HttpResponse<byte[]> unauthorized = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(unauthorized.statusCode()).isEqualTo(401);
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthReflectsLoadedInstances() throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.getApplicationContext().getRequiredProperty("endpoints.all.port", Integer.class)
                + "/health/readiness")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> body = body(response);
        assertThat(body).containsEntry("status", "UP");
        assertThat(new String(response.body())).contains(ssdlite.instanceId().toString());
    }
}
