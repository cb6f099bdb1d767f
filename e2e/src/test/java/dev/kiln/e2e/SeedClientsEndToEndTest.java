package dev.kiln.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request shapes the seed customers' clients send today, accepted as written against a real stack: a
 * control plane and a node as processes, the sample detector, the seeds' own bodies on the wire.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedClientsEndToEndTest {
    private final byte[] png = Images.png(Images.scene());
    private final String pngBase64 = Base64.getEncoder().encodeToString(png);
    private Stack stack;
    private Api api;
    private String deploymentId;
    private String secret;

    @RegisterExtension
    final StackLogsOnFailure logsOnFailure = new StackLogsOnFailure(() -> stack);

    @BeforeAll
    void startStackAndDeploy() throws Exception {
        stack = TestStacks.create("kiln-e2e-seeds");
        stack.startControlPlane().startNode("node-seeds");
        api = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
        JsonNode org = api.get("/api/v1/organizations").body().get(0);
        String projectId = api.get("/api/v1/organizations/" + org.get("id").asText() + "/projects").body()
                .get(0).get("id").asText();
        String modelId = api.post("/api/v1/projects/" + projectId + "/models",
                Map.of("name", "ssdlite", "task", "object_detection")).body().get("id").asText();
        Api.Reply version = api.uploadVersion(modelId, sampleModel(), "v1", null);
        assertThat(version.status()).as(version.raw().body()).isIn(200, 201);
        Api.Reply created = api.post("/api/v1/projects/" + projectId + "/deployments", Map.of("name", "detector",
                "modelVersionId", version.body().get("id").asText(), "instances", 1));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        deploymentId = created.body().get("id").asText();
        secret = api.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "seeds")).body()
                .get("secret").asText();
        api.awaitStatus(deploymentId, "ONLINE");
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void base64SpelledWithAnUnderscoreGivesTheSamePredictionsAsBase64() {
        Api.Reply underscored = post("/" + deploymentId + "/predict", Map.of("image_type", "base_64", "data", pngBase64));
        Api.Reply plain = post("/" + deploymentId + "/predict", Map.of("image_type", "base64", "data", pngBase64));

        assertThat(underscored.status()).as(underscored.raw().body()).isEqualTo(200);
        assertThat(underscored.body().get("predictions")).isEqualTo(plain.body().get("predictions"));
    }

    @Test
    void histogramRangesGivenAsUpperBoundsCountEveryPredictionOnce() {
        Api.Reply reply = post("/" + deploymentId + "/predict", Map.of("image_type", "base64", "data", pngBase64,
                "routines", List.of(Map.of("name", "Histogram", "args",
                        Map.of("ranges", List.of(0.25, 0.5, 0.75, 1.0))))));

        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        JsonNode histogram = reply.body().at("/routines/Histogram");
        List<List<Double>> bins = new ArrayList<>();
        int counted = 0;
        for (JsonNode bin : histogram.get("confidence")) {
            bins.add(List.of(bin.get("from").asDouble(), bin.get("to").asDouble()));
            counted += bin.get("count").asInt();
        }
        assertThat(bins).containsExactly(List.of(0.0, 0.25), List.of(0.25, 0.5), List.of(0.5, 0.75),
                List.of(0.75, 1.0));
        assertThat(counted).isEqualTo(histogram.get("total").asInt()).isEqualTo(reply.body().get("predictions").size());
    }

    @Test
    void kserveV1TakesTheStandardImageInstanceForms() {
        Api.Reply reply = post("/v1/models/" + deploymentId + ":predict", Map.of("instances", List.of(
                Map.of("data", pngBase64), Map.of("b64", pngBase64), Map.of("image_bytes", Map.of("b64", pngBase64)))));

        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        JsonNode predictions = reply.body().get("predictions");
        assertThat(predictions).hasSize(3);
        assertThat(predictions.get(0).size()).isPositive();
        assertThat(predictions.get(1)).isEqualTo(predictions.get(0));
        assertThat(predictions.get(2)).isEqualTo(predictions.get(0));
    }

    @Test
    void anAsyncResultFetchedWithWaitSecondsArrivesInOneCall() {
        Api.Reply accepted = post("/" + deploymentId + "/predict?async=true",
                Map.of("image_type", "base64", "data", pngBase64));
        assertThat(accepted.status()).as(accepted.raw().body()).isEqualTo(202);

        Api.Reply result = api.raw(HttpRequest.newBuilder(URI.create(stack.url()
                        + accepted.body().get("resultUrl").asText() + "?waitSeconds=30"))
                .header("Authorization", "Bearer " + secret).GET());

        assertThat(result.status()).as(result.raw().body()).isEqualTo(200);
        assertThat(result.body().get("predictions").size()).isPositive();
    }

    @Test
    void aTorchServeMultipartFormWithTwoImagesGetsTwoAnswersInOrder() {
        byte[] head = ("--seedb\r\nContent-Disposition: form-data; name=\"data\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] middle = ("\r\n--seedb\r\nContent-Disposition: form-data; name=\"data\"; filename=\"b.png\"\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\r\n--seedb--\r\n".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(head);
        body.writeBytes(png);
        body.writeBytes(middle);
        body.writeBytes(png);
        body.writeBytes(tail);

        Api.Reply reply = api.raw(HttpRequest.newBuilder(URI.create(stack.url() + "/predictions/" + deploymentId))
                .header("Authorization", "Bearer " + secret)
                .header("Content-Type", "multipart/form-data; boundary=seedb")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));

        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        assertThat(reply.body().isArray()).isTrue();
        assertThat(reply.body()).hasSize(2);
        assertThat(reply.body().get(0).get("predictions").size()).isPositive();
        assertThat(reply.body().get(1).get("predictions")).isEqualTo(reply.body().get(0).get("predictions"));
    }

    @Test
    void healthEndpointsAnswerHead() {
        for (String path : List.of("/ping", "/v2/health/ready", "/" + deploymentId + "/ping")) {
            Api.Reply head = api.raw(HttpRequest.newBuilder(URI.create(stack.url() + path))
                    .header("Authorization", "Bearer " + secret)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertThat(head.status()).as(path).isEqualTo(200);
        }
    }

    private Api.Reply post(String path, Object body) {
        return api.raw(HttpRequest.newBuilder(URI.create(stack.url() + path))
                .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Api.json(body))));
    }

    private static Path sampleModel() {
        for (String base : new String[] {"../shared/models", "../../shared/models"}) {
            Path p = Path.of(base, "ssdlite320_mobilenet_v3.onnx");
            if (Files.exists(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("sample model not found in ../shared/models");
    }
}
