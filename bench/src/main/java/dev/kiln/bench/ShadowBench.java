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
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The latency cost of a shadow version (issue 16): the classifier sample on one node, measured alone, then with a
 * second version of it as a 10 % shadow on the same node (its copies compete for the same CPU), at each concurrency.
 * <p>
 * Arguments: {@code --seconds N} measured per row (default 10), {@code --warmup N} (default 30, DESIGN §10),
 * {@code --concurrency 1,4}, {@code --shadow 10} (percent mirrored), {@code --models DIR}.
 */
public final class ShadowBench {
    private static final String MOBILENET = "mobilenet_v3_small.onnx";

    private ShadowBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchArgs.options(args);
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "10"));
        double warmup = Double.parseDouble(options.getOrDefault("warmup", "30"));
        int shadow = Integer.parseInt(options.getOrDefault("shadow", "10"));
        List<Integer> levels = java.util.Arrays.stream(options.getOrDefault("concurrency", "1,4").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        Path root = BenchArgs.repositoryRoot();
        Path model = Path.of(options.getOrDefault("models", root.resolve("../shared/models").toString()))
                .resolve(MOBILENET).toAbsolutePath().normalize();
        Path home = Files.createDirectories(root.resolve("bench/target/run-" + System.currentTimeMillis()));
        String body = "{\"image_type\":\"base64\",\"data\":\""
                + Base64.getEncoder().encodeToString(BenchImage.jpeg()) + "\"}";
        System.out.printf("Kiln shadow bench: %d cores, %.0f s per row after %.0f s warm-up, %d %% mirrored; logs in %s%n",
                Runtime.getRuntime().availableProcessors(), seconds, warmup, shadow, home);

        try (Stack stack = new Stack(root, home, List.of()).startControlPlane().startNode("bench-node", false)) {
            Api api = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
            String project = api.get("/api/v1/organizations/"
                    + api.get("/api/v1/organizations").get(0).get("id").asText() + "/projects").get(0).get("id").asText();
            String key = Api.require(api.post("/api/v1/projects/" + project + "/keys", Map.of("name", "bench")), 201)
                    .get("secret").asText();
            String modelId = Api.require(api.post("/api/v1/projects/" + project + "/models",
                    Map.of("name", "mobilenet", "task", "classification")), 201, 200).get("id").asText();
            String v1 = Api.require(api.uploadVersion(modelId, model, "v1"), 201, 200).get("id").asText();
            String v2 = Api.require(api.uploadVersion(modelId, model, "v2"), 201, 200).get("id").asText();
            String deployment = Api.require(api.post("/api/v1/projects/" + project + "/deployments", Map.of("name",
                    "mobilenet", "modelVersionId", v1, "instances", 1)), 201).get("id").asText();
            awaitReady(api, deployment, 1);
            Load.Call call = predictor(stack.url() + "/" + deployment + "/predict", key, body);

            Map<Integer, Load.Result> alone = new java.util.TreeMap<>();
            for (int c : levels) {
                alone.put(c, Load.run(call, c, warmup, seconds, new ProcessCpu()));
            }
            Api.require(api.patch("/api/v1/deployments/" + deployment, Map.of("traffic", List.of(
                    Map.of("modelVersionId", v1, "weight", 100),
                    Map.of("modelVersionId", v2, "weight", shadow, "shadow", true)))), 200);
            awaitReady(api, deployment, 2);
            System.out.println();
            System.out.printf("%-12s %-12s %10s %10s %10s %8s%n", "concurrency", "shadow", "req/s", "p50 ms", "p99 ms",
                    "failed");
            for (int c : levels) {
                Load.Result mirrored = Load.run(call, c, warmup, seconds, new ProcessCpu());
                print(c, "none", alone.get(c));
                print(c, shadow + " %", mirrored);
                System.out.printf("%-12s %-12s %9.1f%% %9.1f%% %9.1f%%%n", "", "cost",
                        100 * (alone.get(c).perSecond() - mirrored.perSecond()) / alone.get(c).perSecond(),
                        100 * (mirrored.ok().p50() - alone.get(c).ok().p50()) / alone.get(c).ok().p50(),
                        100 * (mirrored.ok().p99() - alone.get(c).ok().p99()) / alone.get(c).ok().p99());
            }
        }
    }

    private static void print(int concurrency, String shadow, Load.Result r) {
        System.out.printf("%-12d %-12s %10.1f %10.2f %10.2f %8d%n", concurrency, shadow, r.perSecond(), r.ok().p50(),
                r.ok().p99(), r.failed());
    }

    private static Load.Call predictor(String url, String key, String body) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return () -> http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Waits until the deployment is ONLINE with {@code count} READY instances and the gateway has seen them. */
    private static void awaitReady(Api api, String deployment, int count) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
        while (Instant.now().isBefore(deadline)) {
            JsonNode d = api.get("/api/v1/deployments/" + deployment);
            JsonNode instances = api.get("/api/v1/deployments/" + deployment + "/instances");
            long ready = 0;
            for (JsonNode i : instances) {
                ready += "READY".equals(i.path("status").asText()) ? 1 : 0;
            }
            if ("ONLINE".equals(d.path("status").asText()) && instances.size() == count && ready == count) {
                AppProcess.sleep(2000); // the gateway's next routing refresh
                return;
            }
            AppProcess.sleep(250);
        }
        throw new IllegalStateException("deployment " + deployment + " did not settle: " + api.get("/api/v1/deployments/"
                + deployment));
    }
}
