package dev.kiln.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Bad input against a real stack (issue 3, "Bad input"): every DESIGN §4.3 row that can be produced here, for
 * {@code POST /{id}/predict} and the compatible protocols (KServe v1, TorchServe, Open Inference Protocol v2), plus
 * truncated and corrupt images, a 900-megapixel PNG, bad and oversized arrays, deeply nested JSON and unknown fields.
 * Each case must get its documented status and the §4.3 body with the X-Predict-Id in it, no stack trace, and an
 * answer within the client's timeout; afterwards a normal prediction still works. The node runs with the default URL
 * guard, so loopback and metadata image URLs are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputEndToEndTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final String JSON = "application/json";
    private static final List<String> NO_LOC = null;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final BufferedImage scene = Images.scene();
    private final byte[] png = Images.png(scene);
    private final String pngBase64 = Base64.getEncoder().encodeToString(png);
    private Stack stack;
    private Api api;
    private String deploymentId;
    private String secret;
    private String scopedElsewhere;
    private String rateLimited;
    private String revoked;

    @RegisterExtension
    final StackLogsOnFailure logsOnFailure = new StackLogsOnFailure(() -> stack);

    @BeforeAll
    void startStackAndDeploy() throws Exception {
        stack = TestStacks.create("kiln-e2e-bad-input");
        stack.startControlPlane().startNode("node-guarded", false);
        api = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);

        JsonNode org = api.get("/api/v1/organizations").body().get(0);
        String projectId = api.get("/api/v1/organizations/" + org.get("id").asText() + "/projects").body()
                .get(0).get("id").asText();
        String modelId = api.post("/api/v1/projects/" + projectId + "/models",
                Map.of("name", "ssdlite", "task", "object_detection")).body().get("id").asText();
        Api.Reply version = api.uploadVersion(modelId, sampleModel("ssdlite320_mobilenet_v3.onnx"), "v1", null);
        assertThat(version.status()).as(version.raw().body()).isIn(200, 201);
        String versionId = version.body().get("id").asText();

        Api.Reply created = api.post("/api/v1/projects/" + projectId + "/deployments",
                Map.of("name", "detector", "modelVersionId", versionId, "instances", 1));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        deploymentId = created.body().get("id").asText();
        // Only there to scope a key to; no instance.
        Api.Reply other = api.post("/api/v1/projects/" + projectId + "/deployments",
                Map.of("name", "other", "modelVersionId", versionId, "instances", 0));
        assertThat(other.status()).as(other.raw().body()).isEqualTo(201);

        secret = createKey(projectId, Map.of("name", "bad-input"));
        scopedElsewhere = createKey(projectId, Map.of("name", "scoped",
                "deploymentIds", List.of(other.body().get("id").asText())));
        rateLimited = createKey(projectId, Map.of("name", "limited", "rateLimitPerSecond", 1));
        Api.Reply toRevoke = api.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "revoked"));
        revoked = toRevoke.body().get("secret").asText();
        assertThat(api.delete("/api/v1/keys/" + toRevoke.body().get("id").asText()).status()).isEqualTo(204);

        api.awaitStatus(deploymentId, "ONLINE");
        // The gateway learns of new keys and instances shortly after they exist.
        awaitStatus(() -> predict(secret, Api.json(base64Body(pngBase64))), 200);
        awaitStatus(() -> predict(revoked, Api.json(base64Body(pngBase64))), 401);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** One bad request and what it must get. {@code loc}, when given, is the first detail's location. */
    record Case(int status, List<String> loc, Supplier<Api.Reply> call) {
    }

    Stream<Named<Case>> cases() {
        String unknownDeployment = UUID.randomUUID().toString();
        String tiny = Api.json(base64Body(pngBase64));
        String kserveBody = Api.json(Map.of("instances", List.of(base64Body(pngBase64))));
        String v2Body = "{\"inputs\":[{\"name\":\"images\",\"datatype\":\"FP32\",\"shape\":[3,2,2],"
                + "\"data\":[0,0,0,0,0,0,0,0,0,0,0,0]}]}";
        String nested = "[".repeat(10_000) + "]".repeat(10_000);
        byte[] hugePng = hugePng();
        byte[] jpeg = jpeg(scene);
        return Stream.of(
                // --- POST /{id}/predict: 400 ---
                named("predict: malformed JSON", 400, List.of("body"), () -> predict("{\"image_type\": \"base64\", ")),
                named("predict: empty body", 400, List.of("body"), () -> predict("")),
                named("predict: JSON that is not an object", 400, List.of("body"), () -> predict("[1, 2, 3]")),
                named("predict: duplicate field", 400, List.of("body"),
                        () -> predict("{\"image_type\":\"base64\",\"image_type\":\"url\",\"data\":\"x\"}")),
                named("predict: content after the JSON object", 400, List.of("body"),
                        () -> predict(tiny + " {}")),
                named("predict: unknown image_type", 400, List.of("body", "image_type"),
                        () -> predict(Api.json(Map.of("image_type", "tiff", "data", pngBase64)))),
                named("predict: missing data", 400, List.of("body", "data"),
                        () -> predict("{\"image_type\":\"base64\"}")),
                named("predict: not base64", 400, List.of("body", "data"),
                        () -> predict(Api.json(base64Body("not base64 !!")))),
                named("predict: bytes that are no image", 400, List.of("body", "data"),
                        () -> predict(Api.json(base64Body(b64("plain words, not pixels".getBytes()))))),
                named("predict: truncated JPEG", 400, List.of("body", "data"),
                        () -> predict(Api.json(base64Body(b64(Arrays.copyOf(jpeg, jpeg.length / 2)))))),
                named("predict: truncated PNG", 400, List.of("body", "data"),
                        () -> predict(Api.json(base64Body(b64(Arrays.copyOf(png, png.length / 2)))))),
                named("predict: corrupt PNG", 400, List.of("body", "data"),
                        () -> predict(Api.json(base64Body(b64(corrupt(png)))))),
                named("predict: array with 2 channels", 400, List.of("body", "data", "0", "0"),
                        () -> predict(array("[[[1,2],[3,4]]]"))),
                named("predict: array with ragged rows", 400, List.of("body", "data", "1"),
                        () -> predict(array("[[[1,2,3],[4,5,6]],[[1,2,3]]]"))),
                named("predict: array of 2 dimensions", 400, List.of("body", "data", "0", "0"),
                        () -> predict(array("[[1,2,3]]"))),
                named("predict: empty array", 400, List.of("body", "data"), () -> predict(array("[]"))),
                named("predict: NaN in array", 400, List.of("body"), () -> predict(array("[[[NaN,0,0]]]"))),
                named("predict: string in array", 400, List.of("body", "data", "0", "0", "0"),
                        () -> predict(array("[[[\"255\",0,0]]]"))),
                named("predict: negative value in array", 400, List.of("body", "data", "0", "0", "0"),
                        () -> predict(array("[[[-1,0,0]]]"))),
                named("predict: 256 in array", 400, List.of("body", "data", "0", "0", "2"),
                        () -> predict(array("[[[0,0,256]]]"))),
                named("predict: fraction in array", 400, List.of("body", "data", "0", "0", "1"),
                        () -> predict(array("[[[0,0.5,0]]]"))),
                named("predict: 10,000 levels of nested array data", 400, NO_LOC,
                        () -> predict("{\"image_type\":\"array\",\"data\":" + nested + "}")),
                named("predict: 10,000 levels of nested unknown field", 400, List.of("body"),
                        () -> predict("{\"image_type\":\"base64\",\"data\":\"" + pngBase64 + "\",\"extra\":"
                                + nested + "}")),
                named("predict: 10,000 levels of nested JSON as the body", 400, List.of("body"),
                        () -> predict(nested)),
                named("predict: unknown routine", 400, List.of("body", "routines", "0", "name"),
                        () -> predict(Api.json(Map.of("image_type", "base64", "data", pngBase64,
                                "routines", List.of(Map.of("name", "Sharpen")))))),
                named("predict: routine argument out of range", 400,
                        List.of("body", "routines", "0", "args", "confidence"),
                        () -> predict(Api.json(Map.of("image_type", "base64", "data", pngBase64, "routines",
                                List.of(Map.of("name", "FilterConfidence", "args", Map.of("confidence", 2))))))),
                named("predict: unknown routine argument", 400, List.of("body", "routines", "0", "args", "bins2"),
                        () -> predict(Api.json(Map.of("image_type", "base64", "data", pngBase64, "routines",
                                List.of(Map.of("name", "Histogram", "bins2", 4)))))),
                named("predict: loopback image URL is refused", 400, List.of("body", "data"),
                        () -> predict(Api.json(urlBody("http://127.0.0.1:1/x.png")))),
                named("predict: metadata image URL is refused", 400, List.of("body", "data"),
                        () -> predict(Api.json(urlBody("http://169.254.169.254/")))),
                named("predict: file URL is refused", 400, List.of("body", "data"),
                        () -> predict(Api.json(urlBody("file:///etc/passwd")))),
                named("predict: image URL host does not resolve", 400, List.of("body", "data"),
                        () -> predict(Api.json(urlBody("http://kiln-no-such-host.invalid/x.png")))),
                named("predict: image URL cannot be reached", 400, List.of("body", "data"),
                        () -> predict(Api.json(urlBody("http://192.0.2.1:9/x.png")))),
                // --- 401, 403, 404 ---
                named("predict: no key", 401, NO_LOC, () -> predict(null, tiny)),
                named("predict: not a bearer key", 401, NO_LOC, () -> predictAs("Basic " + secret, tiny, JSON)),
                named("predict: empty bearer", 401, NO_LOC, () -> predictAs("Bearer ", tiny, JSON)),
                named("predict: unknown key", 401, NO_LOC, () -> predict("kiln_" + "A".repeat(43), tiny)),
                named("predict: revoked key", 401, NO_LOC, () -> predict(revoked, tiny)),
                named("predict: key scoped to another deployment", 403, NO_LOC, () -> predict(scopedElsewhere, tiny)),
                named("predict: unknown deployment", 404, NO_LOC,
                        () -> send("/" + unknownDeployment + "/predict", bearer(secret), JSON, tiny)),
                named("predict: deployment id that is no UUID", 404, NO_LOC,
                        () -> send("/not-a-deployment/predict", bearer(secret), JSON, tiny)),
                // --- 413 ---
                named("predict: body over 20 MB", 413, NO_LOC, () -> predict(Api.json(base64Body(
                        "A".repeat(21 * 1024 * 1024))))),
                named("predict: body over 20 MB without Content-Length", 413, NO_LOC, () -> sendStreamed(
                        "/" + deploymentId + "/predict", bearer(secret), JSON, Api.json(base64Body(
                                "A".repeat(21 * 1024 * 1024))).getBytes(StandardCharsets.US_ASCII))),
                named("predict: 900-megapixel PNG", 413, List.of("body", "data"),
                        () -> predict(Api.json(base64Body(b64(hugePng))))),
                named("predict: JPEG header claiming 65,535 × 65,535 pixels", 413, List.of("body", "data"),
                        () -> predict(Api.json(base64Body(b64(hugeJpegHeader()))))),
                named("predict: array over the array pixel limit", 413, NO_LOC,
                        () -> predict(oversizedArray())),
                // --- 415, 429 ---
                named("predict: text/plain", 415, NO_LOC, () -> predictAs(bearer(secret), tiny, "text/plain")),
                named("predict: no content type", 415, NO_LOC, () -> predictAs(bearer(secret), tiny, null)),
                named("predict: form content type", 415, NO_LOC,
                        () -> predictAs(bearer(secret), tiny, "application/x-www-form-urlencoded")),
                named("predict: over the key's rate limit", 429, NO_LOC, this::untilRateLimited),

                // --- KServe v1 ---
                named("kserve v1: no key", 401, NO_LOC, () -> kserve(null, deploymentId, kserveBody)),
                named("kserve v1: not a bearer key", 401, NO_LOC,
                        () -> send("/v1/models/" + deploymentId + ":predict", "Token " + secret, JSON, kserveBody)),
                named("kserve v1: unknown key", 401, NO_LOC,
                        () -> kserve("kiln_" + "B".repeat(43), deploymentId, kserveBody)),
                named("kserve v1: key scoped to another deployment", 403, NO_LOC,
                        () -> kserve(scopedElsewhere, deploymentId, kserveBody)),
                named("kserve v1: unknown deployment", 404, NO_LOC,
                        () -> kserve(secret, unknownDeployment, kserveBody)),
                named("kserve v1: malformed JSON", 400, List.of("body"),
                        () -> kserve(secret, deploymentId, "{\"instances\": [")),
                named("kserve v1: no instances", 400, List.of("body", "instances"),
                        () -> kserve(secret, deploymentId, "{\"instances\": []}")),
                named("kserve v1: 10,000 levels of nested JSON", 400, List.of("body"),
                        () -> kserve(secret, deploymentId, "{\"instances\":" + nested + "}")),
                named("kserve v1: an instance with an unknown image_type", 400,
                        List.of("body", "instances", "1", "image_type"),
                        () -> kserve(secret, deploymentId, Api.json(Map.of("instances", List.of(
                                base64Body(pngBase64), Map.of("image_type", "tiff", "data", "x")))))),
                named("kserve v1: more instances than allowed", 400, List.of("body", "instances"),
                        () -> kserve(secret, deploymentId, Api.json(Map.of("instances",
                                Collections.nCopies(65, Map.of("image_type", "base64", "data", "x")))))),
                named("kserve v1: an instance with a 900-megapixel PNG", 413,
                        List.of("body", "instances", "0", "data"),
                        () -> kserve(secret, deploymentId, Api.json(Map.of("instances",
                                List.of(base64Body(b64(hugePng))))))),
                named("kserve v1: body over 20 MB", 413, NO_LOC,
                        () -> kserve(secret, deploymentId, "{\"instances\":[" + Api.json(base64Body(
                                "A".repeat(21 * 1024 * 1024))) + "]}")),
                named("kserve v1: text/plain", 415, NO_LOC,
                        () -> send("/v1/models/" + deploymentId + ":predict", bearer(secret), "text/plain",
                                kserveBody)),
                // --- TorchServe ---
                named("torchserve: no key", 401, NO_LOC, () -> torchServe(null, deploymentId, "image/png", png)),
                named("torchserve: unknown key", 401, NO_LOC,
                        () -> torchServe(bearer("kiln_" + "C".repeat(43)), deploymentId, "image/png", png)),
                named("torchserve: key scoped to another deployment", 403, NO_LOC,
                        () -> torchServe(bearer(scopedElsewhere), deploymentId, "image/png", png)),
                named("torchserve: unknown deployment", 404, NO_LOC,
                        () -> torchServe(bearer(secret), unknownDeployment, "image/png", png)),
                named("torchserve: bytes that are no image", 400, List.of("body", "data"),
                        () -> torchServe(bearer(secret), deploymentId, "image/png", "hello".getBytes())),
                named("torchserve: truncated PNG", 400, List.of("body", "data"),
                        () -> torchServe(bearer(secret), deploymentId, "image/png", Arrays.copyOf(png, 40))),
                named("torchserve: empty body", 400, List.of("body"),
                        () -> torchServe(bearer(secret), deploymentId, "image/png", new byte[0])),
                named("torchserve: 900-megapixel PNG", 413, List.of("body", "data"),
                        () -> torchServe(bearer(secret), deploymentId, "image/png", hugePng)),
                named("torchserve: image over 20 MB", 413, NO_LOC,
                        () -> torchServe(bearer(secret), deploymentId, "image/png", new byte[21 * 1024 * 1024])),
                named("torchserve: JSON content type", 415, NO_LOC,
                        () -> torchServe(bearer(secret), deploymentId, JSON, png)),
                // --- Open Inference Protocol v2 ---
                named("v2 infer: no key", 401, NO_LOC, () -> infer(null, deploymentId, v2Body)),
                named("v2 infer: unknown key", 401, NO_LOC,
                        () -> infer("kiln_" + "D".repeat(43), deploymentId, v2Body)),
                named("v2 infer: key scoped to another deployment", 403, NO_LOC,
                        () -> infer(scopedElsewhere, deploymentId, v2Body)),
                named("v2 infer: unknown deployment", 404, NO_LOC, () -> infer(secret, unknownDeployment, v2Body)),
                named("v2 infer: malformed JSON", 400, List.of("body"),
                        () -> infer(secret, deploymentId, "{\"inputs\": [{")),
                named("v2 infer: data does not fit the shape", 400, List.of("body", "inputs", "0", "data"),
                        () -> infer(secret, deploymentId, "{\"inputs\":[{\"name\":\"images\",\"datatype\":\"FP32\","
                                + "\"shape\":[3,2,2],\"data\":[1,2,3]}]}")),
                named("v2 infer: unknown datatype", 400, List.of("body", "inputs", "0", "datatype"),
                        () -> infer(secret, deploymentId, "{\"inputs\":[{\"name\":\"images\",\"datatype\":\"FP99\","
                                + "\"shape\":[1],\"data\":[1]}]}")),
                named("v2 infer: wrong rank", 400, List.of("body", "inputs", "0", "shape"),
                        () -> infer(secret, deploymentId, "{\"inputs\":[{\"name\":\"images\",\"datatype\":\"FP32\","
                                + "\"shape\":[2],\"data\":[1,2]}]}")),
                named("v2 infer: unknown input", 400, List.of("body", "inputs", "0", "name"),
                        () -> infer(secret, deploymentId, "{\"inputs\":[{\"name\":\"pixels\",\"datatype\":\"FP32\","
                                + "\"shape\":[3,2,2],\"data\":[0,0,0,0,0,0,0,0,0,0,0,0]}]}")),
                named("v2 infer: string in data", 400, List.of("body", "inputs", "0", "data"),
                        () -> infer(secret, deploymentId, "{\"inputs\":[{\"name\":\"images\",\"datatype\":\"FP32\","
                                + "\"shape\":[1],\"data\":[\"x\"]}]}")),
                named("v2 infer: 10,000 levels of nested data", 400, List.of("body"),
                        () -> infer(secret, deploymentId, "{\"inputs\":[{\"name\":\"images\",\"datatype\":\"FP32\","
                                + "\"shape\":[1],\"data\":" + nested + "}]}")),
                named("v2 infer: body over 20 MB", 413, NO_LOC,
                        () -> infer(secret, deploymentId, "{\"inputs\":[],\"id\":\""
                                + "A".repeat(21 * 1024 * 1024) + "\"}")),
                named("v2 infer: text/plain", 415, NO_LOC,
                        () -> send("/v2/models/" + deploymentId + "/infer", bearer(secret), "text/plain", v2Body)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Order(1)
    void badInputGetsItsStatusAndTheErrorBody(Case c) {
        Api.Reply reply = c.call().get();

        assertThat(reply.status()).as("status; body: %s", reply.raw().body()).isEqualTo(c.status());
        String predictId = reply.header("X-Predict-Id");
        assertThat(predictId).as("X-Predict-Id").isNotBlank();
        assertThat(reply.raw().body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at dev.kiln");
        JsonNode body = reply.body();
        assertThat(body).as("a JSON error body: %s", reply.raw().body()).isNotNull();
        assertThat(body.path("status").asInt()).isEqualTo(c.status());
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(body.path("detail").isArray()).as("detail is an array").isTrue();
        assertThat(body.path("predictId").asText()).isEqualTo(predictId);
        if (c.loc() != null) {
            assertThat(body.path("detail")).as("detail of %s", reply.raw().body()).isNotEmpty();
            List<String> loc = Api.JSON.convertValue(body.at("/detail/0/loc"),
                    Api.JSON.getTypeFactory().constructCollectionType(List.class, String.class));
            assertThat(loc).isEqualTo(c.loc());
        }
        if (c.status() == 429) {
            assertThat(reply.header("Retry-After")).as("Retry-After").isNotNull();
            assertThat(Integer.parseInt(reply.header("Retry-After"))).isPositive();
        }
    }

    @Test
    @Order(2)
    void unknownTopLevelFieldsAreIgnored() {
        Map<String, Object> body = Map.of("image_type", "base64", "data", pngBase64,
                "client_request", Map.of("id", 7, "tags", List.of("a", "b")), "version", 2);
        Api.Reply reply = predict(Api.json(body));

        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        assertThat(reply.body().get("predictId").asText()).isEqualTo(reply.header("X-Predict-Id"));
        assertThat(reply.body().get("predictions").isArray()).isTrue();
    }

    @Test
    @Order(3)
    void afterAllThatTheInstanceStillPredicts() {
        Api.Reply reply = predict(Api.json(base64Body(pngBase64)));

        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        assertThat(reply.body().get("predictId").asText()).isEqualTo(reply.header("X-Predict-Id"));
        assertThat(reply.body().get("predictions")).isNotEmpty();
        assertThat(reply.body().at("/image/width").asInt()).isEqualTo(Images.WIDTH);
        Api.Reply deployment = api.get("/api/v1/deployments/" + deploymentId);
        assertThat(deployment.body().get("status").asText()).isEqualTo("ONLINE");
        assertThat(deployment.body().get("readyInstances").asInt()).isEqualTo(1);
    }

    // --- requests ---

    private static Named<Case> named(String name, int status, List<String> loc, Supplier<Api.Reply> call) {
        return Named.of(name, new Case(status, loc, call));
    }

    private Api.Reply predict(String body) {
        return predict(secret, body);
    }

    private Api.Reply predict(String key, String body) {
        return predictAs(key == null ? null : bearer(key), body, JSON);
    }

    private Api.Reply predictAs(String authorization, String body, String contentType) {
        return send("/" + deploymentId + "/predict", authorization, contentType, body);
    }

    private Api.Reply kserve(String key, String deployment, String body) {
        return send("/v1/models/" + deployment + ":predict", key == null ? null : bearer(key), JSON, body);
    }

    private Api.Reply torchServe(String authorization, String deployment, String contentType, byte[] image) {
        return send("/predictions/" + deployment, authorization, contentType, HttpRequest.BodyPublishers.ofByteArray(image));
    }

    private Api.Reply infer(String key, String deployment, String body) {
        return send("/v2/models/" + deployment + "/infer", key == null ? null : bearer(key), JSON, body);
    }

    /** Calls with the rate-limited key until it is refused; every call before is an ordinary 400. */
    private Api.Reply untilRateLimited() {
        String body = Api.json(Map.of("image_type", "tiff", "data", "x"));
        for (int i = 0; i < 20; i++) {
            Api.Reply reply = predict(rateLimited, body);
            if (reply.status() != 400) {
                return reply;
            }
        }
        return fail("a key limited to 1 request per second was never refused in 20 quick calls");
    }

    private Api.Reply send(String path, String authorization, String contentType, String body) {
        return send(path, authorization, contentType, HttpRequest.BodyPublishers.ofString(body));
    }

    /** Sent chunked: no Content-Length, so only counting the bytes as they arrive can enforce the limit. */
    private Api.Reply sendStreamed(String path, String authorization, String contentType, byte[] body) {
        return send(path, authorization, contentType,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    }

    private Api.Reply send(String path, String authorization, String contentType,
                           HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.url() + path))
                .timeout(REQUEST_TIMEOUT).POST(body);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonNode parsed = type.contains("json") && !r.body().isEmpty() ? Api.JSON.readTree(r.body()) : null;
            return new Api.Reply(r.statusCode(), parsed, r);
        } catch (HttpTimeoutException e) {
            return fail("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s: the call hangs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String bearer(String key) {
        return "Bearer " + key;
    }

    // --- bodies ---

    private static Map<String, String> base64Body(String data) {
        return Map.of("image_type", "base64", "data", data);
    }

    private static Map<String, String> urlBody(String url) {
        return Map.of("image_type", "url", "data", url);
    }

    private static String array(String data) {
        return "{\"image_type\":\"array\",\"data\":" + data + "}";
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** 2,001 × 2,001 black pixels: over the default 4 MP array limit (and, written out, over the body limit). */
    private static String oversizedArray() {
        int side = 2_001;
        String row = "[" + "[0,0,0],".repeat(side - 1) + "[0,0,0]]";
        StringBuilder data = new StringBuilder(side * (row.length() + 1) + 40).append("{\"image_type\":\"array\",\"data\":[");
        for (int y = 0; y < side; y++) {
            data.append(y == 0 ? "" : ",").append(row);
        }
        return data.append("]}").toString();
    }

    /** The scene with bytes in the middle of its image data flipped: its checksums no longer match. */
    private static byte[] corrupt(byte[] image) {
        byte[] copy = image.clone();
        for (int i = copy.length / 3; i < copy.length / 3 + 64; i++) {
            copy[i] ^= 0x5A;
        }
        return copy;
    }

    private static byte[] jpeg(BufferedImage image) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            assertThat(ImageIO.write(image, "jpg", out)).isTrue();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A valid PNG claiming 30,000 × 30,000 RGB pixels (900 MP, 2.7 GB decoded) whose image data is a few bytes: a
     * decompression bomb that must be refused from its header, never allocated.
     */
    static byte[] hugePng() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(30_000).putInt(30_000)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[1 + 3 * 16]); // the first bytes of the first row; the rest is missing
        deflater.finish();
        byte[] compressed = new byte[128];
        int length = deflater.deflate(compressed);
        deflater.end();
        chunk(out, "IDAT", Arrays.copyOf(compressed, length));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** The start of a baseline JPEG whose frame header claims 65,535 × 65,535 pixels (4.3 GP); no image data. */
    static byte[] hugeJpegHeader() {
        return new byte[] {(byte) 0xFF, (byte) 0xD8, // SOI
                (byte) 0xFF, (byte) 0xC0, 0, 17, 8, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 3, // SOF0
                1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1, // three components, 1×1 sampling
                (byte) 0xFF, (byte) 0xD9}; // EOI
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    // --- setup ---

    private String createKey(String projectId, Map<String, Object> request) {
        Api.Reply key = api.post("/api/v1/projects/" + projectId + "/keys", request);
        assertThat(key.status()).as(key.raw().body()).isEqualTo(201);
        return key.body().get("secret").asText();
    }

    /** Repeats {@code call} until it answers {@code status}, for what the gateway learns of shortly after. */
    private static void awaitStatus(Supplier<Api.Reply> call, int status) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        Api.Reply reply = call.get();
        while (reply.status() != status && Instant.now().isBefore(deadline)) {
            AppProcess.sleep(250);
            reply = call.get();
        }
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(status);
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
