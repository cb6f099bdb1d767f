package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.e2e.AppProcess;
import dev.kiln.e2e.Stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * {@code ./kiln bench autoscale}: activation latency of a deployment scaled to zero (the first request's answer
 * time, model load included) and the time a load step takes to be served by more instances, on one node with the
 * classifier. The autoscaler runs with a 10 s stable window; node stats windows are 10 s, which bounds how soon load
 * is seen. Options: --rounds 3 (activations) --clients 8 (the load step, against targetConcurrency 2, max 3).
 */
public final class AutoscaleBench {

    private AutoscaleBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchArgs.options(args);
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int clients = Integer.parseInt(options.getOrDefault("clients", "8"));
        Path root = BenchArgs.repositoryRoot();
        Path model = root.resolve("../shared/models/mobilenet_v3_small.onnx").toAbsolutePath().normalize();
        Path home = Files.createDirectories(root.resolve("bench/target/autoscale-" + System.currentTimeMillis()));
        String body = "{\"image_type\":\"base64\",\"data\":\"" + Base64.getEncoder().encodeToString(BenchImage.jpeg())
                + "\"}";
        try (Stack stack = new Stack(root, home, List.of())
                .withControlPlaneEnv(Map.of("KILN_AUTOSCALER_STABLE_WINDOW", "10s"))
                .startControlPlane().startNode("autoscale-node")) {
            Api api = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
            String org = api.get("/api/v1/organizations").get(0).get("id").asText();
            String project = Api.require(api.post("/api/v1/organizations/" + org + "/projects",
                    Map.of("name", "autoscale")), 201).get("id").asText();
            String modelId = Api.require(api.post("/api/v1/projects/" + project + "/models",
                    Map.of("name", "classifier", "task", "classification")), 201).get("id").asText();
            JsonNode version = Api.require(api.uploadVersion(modelId, model, "v1"), 201, 200);
            String id = Api.require(api.post("/api/v1/projects/" + project + "/deployments", Map.of("name", "scaled",
                    "modelVersionId", version.get("id").asText(), "timeoutMs", 60_000, "autoscaling",
                    Map.of("minInstances", 0, "maxInstances", 3, "targetConcurrency", 2, "scaleDownDelaySeconds", 5))),
                    201).get("id").asText();
            String key = Api.require(api.post("/api/v1/projects/" + project + "/keys", Map.of("name", "bench")), 201)
                    .get("secret").asText();
            HttpRequest predict = HttpRequest.newBuilder(URI.create(stack.url() + "/" + id + "/predict"))
                    .timeout(Duration.ofSeconds(90)).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            System.out.printf("Autoscale: classifier on one node, stable window 10 s, panic 6 s, scale-down delay 5 s;"
                    + " logs in %s%n", home);

            for (int round = 1; round <= rounds; round++) {
                waitFor(() -> deployment(api, id).path("readyInstances").asInt() == 0
                        && deployment(api, id).path("autoscaling").path("desiredInstances").asInt() == 0, 120);
                long sent = System.nanoTime();
                HttpResponse<String> first = http.send(predict, HttpResponse.BodyHandlers.ofString());
                System.out.printf("activation %d: first request at zero instances → %d in %.2f s%n", round,
                        first.statusCode(), (System.nanoTime() - sent) / 1e9);
            }

            Api.require(api.patch("/api/v1/deployments/" + id, Map.of("autoscaling", Map.of("minInstances", 1))), 200);
            waitFor(() -> deployment(api, id).path("readyInstances").asInt() == 1, 120);
            AppProcess.sleep(12_000); // the activation's windows leave the stable window
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<Thread> load = new ArrayList<>();
            long step = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                load.add(Thread.ofPlatform().daemon().start(() -> {
                    while (!stop.get()) {
                        try {
                            int status = http.send(predict, HttpResponse.BodyHandlers.discarding()).statusCode();
                            (status == 200 ? ok : failed).incrementAndGet();
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                }));
            }
            waitFor(() -> deployment(api, id).path("autoscaling").path("desiredInstances").asInt() >= 3, 120);
            double decided = (System.nanoTime() - step) / 1e9;
            waitFor(() -> deployment(api, id).path("readyInstances").asInt() >= 3, 120);
            double ready = (System.nanoTime() - step) / 1e9;
            stop.set(true);
            for (Thread thread : load) {
                thread.join(Duration.ofSeconds(90));
            }
            System.out.printf("load step: %d clients vs target 2 → 3 instances decided after %.1f s, all 3 ready after "
                    + "%.1f s; %d answered 200, %d not%n", clients, decided, ready, ok.get(), failed.get());
        }
    }

    private static JsonNode deployment(Api api, String id) {
        return api.get("/api/v1/deployments/" + id);
    }

    private static void waitFor(BooleanSupplier condition, int seconds) {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + seconds + " s");
            }
            AppProcess.sleep(200);
        }
    }
}
