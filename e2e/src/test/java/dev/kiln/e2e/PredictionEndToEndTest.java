package dev.kiln.e2e;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.onnx.OrtNatives;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The first prediction end to end, as a user meets it: real Postgres, a control plane and two inference nodes as
 * separate processes talking HTTP, the sample detector uploaded through the API, each image type predicted and
 * checked against raw ONNX Runtime on the same pixels, the DESIGN §4.3 error cases, and a control-plane restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PredictionEndToEndTest {
    private static final Path DETECTOR = sampleModel("ssdlite320_mobilenet_v3.onnx");

    private Stack stack;
    private Api api;
    private HttpServer imageServer;
    private final BufferedImage scene = Images.scene();
    private final byte[] png = Images.png(scene);
    private String projectId;
    private String deploymentId;
    private String secret;

    @RegisterExtension
    final StackLogsOnFailure logsOnFailure = new StackLogsOnFailure(() -> stack);

    @BeforeAll
    void startStack() throws Exception {
        stack = TestStacks.create("kiln-e2e");
        stack.startControlPlane().startNode("node-a").startNode("node-b");
        api = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
        imageServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        imageServer.createContext("/scene.png", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, png.length);
            exchange.getResponseBody().write(png);
            exchange.close();
        });
        imageServer.start();
    }

    @AfterAll
    void stopStack() {
        if (imageServer != null) {
            imageServer.stop(0);
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void anUploadedModelDeployedOnTwoInstancesComesOnlineSpreadOverBothNodes() {
        JsonNode org = api.get("/api/v1/organizations").body().get(0);
        projectId = api.get("/api/v1/organizations/" + org.get("id").asText() + "/projects").body().get(0).get("id").asText();
        String modelId = api.post("/api/v1/projects/" + projectId + "/models",
                Map.of("name", "ssdlite", "task", "object_detection")).body().get("id").asText();

        Api.Reply version = api.uploadVersion(modelId, DETECTOR, "v1", null);
        assertThat(version.status()).as(version.raw().body()).isIn(200, 201);
        assertThat(version.body().get("sha256").asText())
                .isEqualTo("14975791feb93747eee026cad91eb1c5915ce00f7e1f7132fedbefa5fa4aa532");
        assertThat(version.body().at("/descriptor/outputAdapter").asText()).isEqualTo("torchvision");

        // Data capture: every image, and those ActiveLearning flags (a low threshold, so the scene's are).
        Api.Reply created = api.post("/api/v1/projects/" + projectId + "/deployments", Map.of(
                "name", "detector", "modelVersionId", version.body().get("id").asText(), "instances", 2,
                "evaluationThreshold", 0.01, "captureGroups", List.of(Map.of("name", "everything", "mode", "all"),
                        Map.of("name", "uncertain", "mode", "flagged"))));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        deploymentId = created.body().get("id").asText();

        JsonNode online = api.awaitStatus(deploymentId, "ONLINE");
        assertThat(online.get("readyInstances").asInt()).isEqualTo(2);
        assertThat(online.get("versionTag").asText()).isEqualTo("v1");
        Set<String> nodes = new HashSet<>();
        api.get("/api/v1/deployments/" + deploymentId + "/instances").body()
                .forEach(i -> nodes.add(i.get("nodeId").asText()));
        assertThat(nodes).hasSize(2);

        Api.Reply key = api.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "e2e"));
        assertThat(key.status()).isEqualTo(201);
        secret = key.body().get("secret").asText();
        assertThat(api.get("/api/v1/projects/" + projectId + "/keys").raw().body()).doesNotContain(secret);
    }

    @Test
    @Order(2)
    void base64PredictionsMatchRawOnnxRuntimeOnTheSamePixels() throws Exception {
        Api.Reply reply = predict(Map.of("image_type", "base64",
                "data", "data:image/png;base64," + Base64.getEncoder().encodeToString(png)));

        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        JsonNode body = reply.body();
        assertThat(body.get("predictId").asText()).isEqualTo(reply.header("X-Predict-Id"));
        assertThat(body.get("deploymentId").asText()).isEqualTo(deploymentId);
        assertThat(body.at("/model/versionTag").asText()).isEqualTo("v1");
        assertThat(body.at("/model/task").asText()).isEqualTo("object_detection");
        assertThat(body.at("/image/width").asInt()).isEqualTo(Images.WIDTH);
        assertThat(body.at("/image/height").asInt()).isEqualTo(Images.HEIGHT);
        assertThat(body.at("/timing/totalMs").asDouble()).isPositive();

        List<Detection> expected = referenceDetections();
        JsonNode predictions = body.get("predictions");
        assertThat(expected).as("the sample detector finds something in the scene").isNotEmpty();
        assertThat(predictions).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode p = predictions.get(i);
            Detection d = expected.get(i);
            assertThat(p.get("annotationId").asInt()).isEqualTo(i);
            assertThat(p.get("boundType").asText()).isEqualTo("rectangle");
            assertThat(p.get("confidence").asDouble()).isCloseTo(d.score(), within(1e-4));
            assertThat(p.at("/tag/id").asInt()).isEqualTo(d.label());
            JsonNode bound = p.get("bound");
            assertThat(bound.get(0).get(0).asDouble()).isCloseTo(d.x1() / Images.WIDTH, within(1e-4));
            assertThat(bound.get(0).get(1).asDouble()).isCloseTo(d.y1() / Images.HEIGHT, within(1e-4));
            assertThat(bound.get(2).get(0).asDouble()).isCloseTo(d.x2() / Images.WIDTH, within(1e-4));
            assertThat(bound.get(2).get(1).asDouble()).isCloseTo(d.y2() / Images.HEIGHT, within(1e-4));
        }
    }

    @Test
    @Order(3)
    void arrayAndUrlInputsGiveTheSamePredictionsAsBase64() {
        JsonNode viaBase64 = predict(Map.of("image_type", "base64",
                "data", Base64.getEncoder().encodeToString(png))).body().get("predictions");
        Api.Reply viaArray = predict(Map.of("image_type", "array", "data", Images.array(scene)));
        Api.Reply viaUrl = predict(Map.of("image_type", "url",
                "data", "http://127.0.0.1:" + imageServer.getAddress().getPort() + "/scene.png"));

        assertThat(viaArray.status()).as(viaArray.raw().body()).isEqualTo(200);
        assertThat(viaUrl.status()).as(viaUrl.raw().body()).isEqualTo(200);
        assertThat(viaArray.body().get("predictions")).isEqualTo(viaBase64);
        assertThat(viaUrl.body().get("predictions")).isEqualTo(viaBase64);
    }

    @Test
    @Order(3)
    void predictionsAreCapturedIntoTheirGroupsAndExportedAsCoco() throws Exception {
        Instant start = Instant.now().minusMillis(1);
        Map<String, Object> body = Map.of("image_type", "base64", "data", Base64.getEncoder().encodeToString(png),
                "routines", List.of(Map.of("name", "ActiveLearning")));
        for (int i = 0; i < 2; i++) {
            Api.Reply reply = predict(body);
            assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
            assertThat(reply.body().at("/routines/ActiveLearning/flagged").asBoolean()).isTrue();
        }
        String captures = "/api/v1/deployments/" + deploymentId + "/captures?from=" + start;

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(api.get(captures + "&group=everything").body().get("total").asInt()).isEqualTo(2);
            assertThat(api.get(captures + "&group=uncertain").body().get("total").asInt()).isEqualTo(2);
        });
        JsonNode first = api.get(captures).body().get("items").get(0);
        assertThat(first.get("predictions")).isNotEmpty();
        assertThat(first.get("width").asInt()).isEqualTo(Images.WIDTH);
        assertThat(api.bytes("/api/v1/deployments/" + deploymentId + "/captures/" + first.get("id").asText()
                + "/image")).isEqualTo(png);

        byte[] zip = api.bytes("/api/v1/deployments/" + deploymentId + "/captures/export?format=coco&group=uncertain"
                + "&from=" + start);
        Set<String> images = new HashSet<>();
        JsonNode coco = null;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals("annotations.json")) {
                    coco = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in.readAllBytes());
                } else {
                    images.add(e.getName());
                }
            }
        }
        assertThat(images).hasSize(2);
        assertThat(coco).isNotNull();
        Set<String> files = new HashSet<>();
        coco.get("images").forEach(i -> files.add(i.get("file_name").asText()));
        assertThat(files).isEqualTo(images);
        Set<Integer> imageIds = new HashSet<>();
        coco.get("images").forEach(i -> imageIds.add(i.get("id").asInt()));
        Set<Integer> annotated = new HashSet<>();
        coco.get("annotations").forEach(a -> annotated.add(a.get("image_id").asInt()));
        assertThat(annotated).isEqualTo(imageIds);
        assertThat(coco.get("categories")).isNotEmpty();
    }

    @Test
    @Order(4)
    void missingWrongOrNonBearerKeysAre401WithTheErrorBody() {
        String body = Api.json(Map.of("image_type", "base64", "data", "AAAA"));
        assertError(call(deploymentId, body, Optional.empty(), "application/json"), 401);
        assertError(call(deploymentId, body, Optional.of("Bearer kiln_wrong"), "application/json"), 401);
        assertError(call(deploymentId, body, Optional.of("Basic " + secret), "application/json"), 401);
    }

    @Test
    @Order(5)
    void anUnknownDeploymentIs404() {
        String body = Api.json(Map.of("image_type", "base64", "data", "AAAA"));
        assertError(call(UUID.randomUUID().toString(), body, bearer(), "application/json"), 404);
    }

    @Test
    @Order(6)
    void malformedJsonBadBase64AndBytesThatAreNoImageAre400() {
        assertError(call(deploymentId, "{\"image_type\": \"base64\", ", bearer(), "application/json"), 400);

        Api.Reply badBase64 = call(deploymentId, Api.json(Map.of("image_type", "base64", "data", "not base64 !!")),
                bearer(), "application/json");
        assertError(badBase64, 400);
        assertThat(badBase64.body().at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"data\"]");

        String notAnImage = Base64.getEncoder().encodeToString("plain words, not pixels".getBytes());
        assertError(call(deploymentId, Api.json(Map.of("image_type", "base64", "data", notAnImage)),
                bearer(), "application/json"), 400);
        assertError(call(deploymentId, Api.json(Map.of("image_type", "tiff", "data", "x")),
                bearer(), "application/json"), 400);
    }

    @Test
    @Order(7)
    void aBodyOverTwentyMegabytesIs413() {
        String huge = "{\"image_type\":\"base64\",\"data\":\"" + "A".repeat(21 * 1024 * 1024) + "\"}";
        assertError(call(deploymentId, huge, bearer(), "application/json"), 413);
    }

    @Test
    @Order(8)
    void aFileThatIsNotAModelIsRefusedAtUploadAndLeavesNothingBehind() throws Exception {
        long artifactsBefore = count("select count(*) from artifacts");
        String modelId = api.post("/api/v1/projects/" + projectId + "/models",
                Map.of("name", "broken", "task", "object_detection")).body().get("id").asText();
        Path junk = Files.writeString(Files.createTempFile("broken", ".onnx"), "definitely not protobuf");

        Api.Reply refused = api.uploadVersion(modelId, junk, "v1", null);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("message").asText()).contains("not a loadable ONNX model");
        assertThat(count("select count(*) from artifacts")).isEqualTo(artifactsBefore);
        assertThat(count("select count(*) from model_versions where model_id = '" + modelId + "'")).isZero();
    }

    @Test
    @Order(9)
    void everythingSurvivesAControlPlaneRestartAndPredictionsWorkAgain() {
        stack.stopControlPlane();
        stack.startControlPlane();
        api.login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);

        assertThat(api.get("/api/v1/deployments/" + deploymentId).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/projects/" + projectId + "/keys").body()).isNotEmpty();
        api.awaitStatus(deploymentId, "ONLINE");
        Api.Reply again = awaitPrediction();
        assertThat(again.body().get("predictions")).isNotEmpty();
    }

    @Test
    @Order(10)
    void deletingNeedsTheNameAndThenTheDeploymentIsGone() {
        Api.Reply noConfirm = api.delete("/api/v1/deployments/" + deploymentId);
        assertThat(noConfirm.status()).isEqualTo(400);

        Api.Reply deleted = api.delete("/api/v1/deployments/" + deploymentId + "?confirm=detector");
        assertThat(deleted.status()).isIn(200, 202, 204);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (api.get("/api/v1/deployments/" + deploymentId).status() != 404 && Instant.now().isBefore(deadline)) {
            AppProcess.sleep(250);
        }
        assertThat(api.get("/api/v1/deployments/" + deploymentId).status()).isEqualTo(404);
        assertError(call(deploymentId, Api.json(Map.of("image_type", "base64", "data", "AAAA")), bearer(),
                "application/json"), 404);
    }

    // --- helpers ---

    private Optional<String> bearer() {
        return Optional.of("Bearer " + secret);
    }

    private Api.Reply predict(Object body) {
        return call(deploymentId, Api.json(body), bearer(), "application/json");
    }

    private Api.Reply call(String deployment, String body, Optional<String> authorization, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.url() + "/" + deployment + "/predict"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        authorization.ifPresent(a -> request.header("Authorization", a));
        return api.raw(request);
    }

    private static void assertError(Api.Reply reply, int status) {
        assertThat(reply.status()).as(String.valueOf(reply.raw().body())).isEqualTo(status);
        String predictId = reply.header("X-Predict-Id");
        assertThat(predictId).as("X-Predict-Id on a " + status).isNotBlank();
        assertThat(reply.body()).as("error body of a " + status).isNotNull();
        assertThat(reply.body().get("status").asInt()).isEqualTo(status);
        assertThat(reply.body().get("error").asText()).isNotBlank();
        assertThat(reply.body().get("message").asText()).isNotBlank();
        assertThat(reply.body().get("detail").isArray()).isTrue();
        assertThat(reply.body().get("predictId").asText()).isEqualTo(predictId);
        assertThat(reply.raw().body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** After a restart the gateway may briefly have no ready instance (503); anything else is a failure. */
    private Api.Reply awaitPrediction() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        Map<String, String> body = Map.of("image_type", "base64", "data", Base64.getEncoder().encodeToString(png));
        Api.Reply reply = predict(body);
        while (reply.status() == 503 && Instant.now().isBefore(deadline)) {
            AppProcess.sleep(250);
            reply = predict(body);
        }
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        return reply;
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(stack.db.jdbcUrl(), stack.db.user(), stack.db.password());
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    record Detection(float x1, float y1, float x2, float y2, float score, long label) {
    }

    /** The detector run directly with ONNX Runtime on the scene's pixels, best first. */
    private List<Detection> referenceDetections() throws Exception {
        OrtNatives.prepare(stack.ortCache());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(DETECTOR.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(Images.chw(scene)),
                     new long[] {3, Images.HEIGHT, Images.WIDTH});
             OrtSession.Result result = session.run(Map.of("images", input))) {
            float[][] boxes = (float[][]) result.get("boxes").orElseThrow().getValue();
            float[] scores = (float[]) result.get("scores").orElseThrow().getValue();
            long[] labels = (long[]) result.get("labels").orElseThrow().getValue();
            List<Detection> detections = new ArrayList<>();
            for (int i = 0; i < scores.length; i++) {
                detections.add(new Detection(boxes[i][0], boxes[i][1], boxes[i][2], boxes[i][3], scores[i], labels[i]));
            }
            detections.sort((a, b) -> Float.compare(b.score(), a.score()));
            return detections;
        }
    }

    private static Path sampleModel(String file) {
        for (String base : new String[] {"../shared/models", "../../shared/models"}) {
            Path p = Path.of(base, file);
            if (Files.exists(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("sample model " + file + " not found in ../shared/models");
    }
}
