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
 * Kiln end to end against raw ONNX Runtime on the same model, machine and run (DESIGN §10). Starts Postgres, a
 * control plane and one node as processes, deploys the detector and the classifier samples and drives
 * {@code POST /{id}/predict} with a 640×480 JPEG as base64 at each concurrency, then the same model in-process.
 * Then mobilenet with dynamic batching against unbatched, and the detector far over its queue (503s vs latency).
 * <p>
 * Beside each row: the CPU milliseconds per request of the gateway (control plane), the node, Postgres and the load
 * generator (this JVM), read from {@code /proc}; for raw rows, this JVM's (ONNX Runtime's) CPU per run. Then the
 * node's pipeline in this process without HTTP (parse, decode, preprocess, ORT, adapter, JSON) beside raw ORT.
 * <p>
 * Arguments: {@code --seconds N} measured per row (default 10), {@code --warmup N} per row (default 30: the JIT
 * has compiled the hot path before a row is measured), {@code --concurrency 1,4,16}, {@code --models DIR} (default
 * ../shared/models), {@code --pin true} (stack on core 0, load generator on core 1, raw ORT on core 0).
 */
public final class PredictBench {
    private static final String SSDLITE = "ssdlite320_mobilenet_v3.onnx";
    private static final String MOBILENET = "mobilenet_v3_small.onnx";

    private final Api api;
    private final String gatewayUrl;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private PredictBench(Api api, String gatewayUrl, String key) {
        this.api = api;
        this.gatewayUrl = gatewayUrl;
        this.key = key;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchArgs.options(args);
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "10"));
        double warmup = Double.parseDouble(options.getOrDefault("warmup", "30"));
        boolean pin = Boolean.parseBoolean(options.getOrDefault("pin", "false"));
        List<Integer> levels = java.util.Arrays.stream(options.getOrDefault("concurrency", "1,4,16").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        Path root = BenchArgs.repositoryRoot();
        Path models = Path.of(options.getOrDefault("models", root.resolve("../shared/models").toString()))
                .toAbsolutePath().normalize();
        Path home = Files.createDirectories(root.resolve("bench/target/run-" + System.currentTimeMillis()));
        byte[] jpeg = BenchImage.jpeg();
        String body = "{\"image_type\":\"base64\",\"data\":\"" + Base64.getEncoder().encodeToString(jpeg) + "\"}";
        System.out.printf("Kiln bench: %d cores%s, %.0f s per row after %.0f s warm-up, JPEG %dx%d (%d bytes); logs in %s%n",
                Runtime.getRuntime().availableProcessors(), pin ? " (pinned: stack and raw ORT on core 0, load on core 1)"
                        : "", seconds, warmup, BenchImage.WIDTH, BenchImage.HEIGHT, jpeg.length, home);

        // No JVM options: the apps run as ./kiln runs them, with full JIT, so the figures are the product's.
        try (Stack stack = new Stack(root, home, List.of()).startControlPlane().startNode("bench-node", false)) {
            Api api = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
            String project = api.get("/api/v1/organizations/"
                    + api.get("/api/v1/organizations").get(0).get("id").asText() + "/projects").get(0).get("id").asText();
            String key = Api.require(api.post("/api/v1/projects/" + project + "/keys", Map.of("name", "bench")), 201)
                    .get("secret").asText();
            PredictBench bench = new PredictBench(api, stack.url(), key);
            if (pin) {
                Pinning.pinStack();
                Pinning.pinSelf(Pinning.LOAD_CORE);
            }
            long self = ProcessHandle.current().pid();
            long gateway = stack.controlPlanePid();
            long node = stack.nodePid("bench-node");
            ProcessCpu cpu = new ProcessCpu().add("gateway", () -> List.of(gateway)).add("node", () -> List.of(node))
                    .add("postgres", () -> Pinning.stackPids().stream().filter(p -> p != gateway && p != node).toList())
                    .add("load", () -> List.of(self));
            ProcessCpu rawCpu = new ProcessCpu().add("raw", () -> List.of(self));
            int rawCores = pin ? 1 : Runtime.getRuntime().availableProcessors();
            String detector = bench.deploy(project, "ssdlite", "object_detection", models.resolve(SSDLITE));
            String classifier = bench.deploy(project, "mobilenet", "classification", models.resolve(MOBILENET));

            Table table = new Table();
            Map<Integer, Load.Result> mobilenetRaw = new java.util.HashMap<>();
            Map<Integer, Load.Result> mobilenetKiln = new java.util.HashMap<>();
            Map<String, Load.Result> pipelines = new java.util.HashMap<>();
            for (int c : levels) {
                Load.Result kiln = Load.run(() -> bench.predict(detector, body), c, warmup, seconds, cpu);
                try (RawOrt raw = new RawOrt(stack.ortCache(), models.resolve(SSDLITE), BenchImage.chw(jpeg),
                        new long[]{3, BenchImage.HEIGHT, BenchImage.WIDTH}, c, rawCores)) {
                    Load.Result baseline = rawRow(raw::run, c, warmup, seconds, pin, rawCpu);
                    table.compare("ssdlite320", c, kiln, baseline);
                    pipelines.put("ssdlite320/" + c, baseline);
                }
            }
            for (int c : levels) {
                Load.Result kiln = Load.run(() -> bench.predict(classifier, body), c, warmup, seconds, cpu);
                try (RawOrt raw = new RawOrt(stack.ortCache(), models.resolve(MOBILENET),
                        BenchImage.imagenet(jpeg, 224), new long[]{1, 3, 224, 224}, c, rawCores)) {
                    Load.Result baseline = rawRow(raw::run, c, warmup, seconds, pin, rawCpu);
                    pipelines.put("mobilenet_v3_small/" + c, baseline);
                    table.compare("mobilenet_v3_small", c, kiln, baseline);
                    mobilenetRaw.put(c, baseline);
                    mobilenetKiln.put(c, kiln);
                }
            }

            byte[] bodyBytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (var model : Map.of("ssdlite320", SSDLITE, "mobilenet_v3_small", MOBILENET).entrySet()) {
                try (InProcessNode pipeline = new InProcessNode(stack.ortCache(), models.resolve(model.getValue()),
                        home.resolve("in-process-" + model.getKey()))) {
                    for (int c : levels) {
                        table.pipeline(model.getKey(), c, rawRow(() -> pipeline.predict(bodyBytes), c, warmup,
                                seconds, pin, rawCpu), pipelines.get(model.getKey() + "/" + c));
                    }
                }
            }

            int maxBatch = 8;
            int delayMs = 2;
            bench.patch(classifier, Map.of("maxBatchSize", maxBatch, "maxQueueDelayMs", delayMs));
            for (int c : levels) {
                Load.Result batched = Load.run(() -> bench.predict(classifier, body), c, warmup, seconds, cpu);
                table.batched("mobilenet batch≤" + maxBatch + " " + delayMs + "ms", c, batched, mobilenetKiln.get(c),
                        mobilenetRaw.get(c));
            }

            int maxQueue = 4;
            int overload = 64;
            bench.patch(detector, Map.of("maxQueue", maxQueue));
            Load.Result over = Load.run(() -> bench.predict(detector, body), overload, warmup, seconds, cpu);
            table.overload("ssdlite320 maxQueue " + maxQueue, over);
            System.out.println();
            System.out.print(table);
        }
    }

    /** A row run in this JVM (raw ORT, the in-process pipeline); pinned, on the stack's core like the stack. */
    private static Load.Result rawRow(Load.Call call, int concurrency, double warmup, double seconds, boolean pin,
                                      ProcessCpu cpu) throws InterruptedException {
        if (pin) {
            Pinning.pinSelf(Pinning.STACK_CORE);
        }
        try {
            return Load.run(call, concurrency, warmup, seconds, cpu);
        } finally {
            if (pin) {
                Pinning.pinSelf(Pinning.LOAD_CORE);
            }
        }
    }

    /** Creates the model, uploads the file, deploys one instance and waits until it is ONLINE. */
    private String deploy(String project, String name, String task, Path file) {
        String model = Api.require(api.post("/api/v1/projects/" + project + "/models",
                Map.of("name", name, "task", task)), 201, 200).get("id").asText();
        JsonNode version = Api.require(api.uploadVersion(model, file, "v1"), 201, 200);
        String deployment = Api.require(api.post("/api/v1/projects/" + project + "/deployments", Map.of("name",
                name, "modelVersionId", version.get("id").asText(), "instances", 1)), 201).get("id").asText();
        awaitSettled(deployment);
        return deployment;
    }

    /** Changes settings (a new generation of instances) and waits until only the new one serves. */
    private void patch(String deployment, Map<String, Object> settings) {
        Api.require(api.patch("/api/v1/deployments/" + deployment, settings), 200);
        awaitSettled(deployment);
    }

    private void awaitSettled(String deployment) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
        while (Instant.now().isBefore(deadline)) {
            JsonNode d = api.get("/api/v1/deployments/" + deployment);
            JsonNode instances = api.get("/api/v1/deployments/" + deployment + "/instances");
            boolean settled = "ONLINE".equals(d.path("status").asText()) && instances.size() == d.get("instances").asInt();
            for (JsonNode i : instances) {
                settled &= "READY".equals(i.path("status").asText())
                        && i.path("generation").asInt() == d.path("generation").asInt();
            }
            if (settled) {
                // The gateway learns of the new instance on its next routing refresh.
                AppProcess.sleep(2000);
                return;
            }
            AppProcess.sleep(250);
        }
        throw new IllegalStateException("deployment " + deployment + " did not settle: "
                + api.get("/api/v1/deployments/" + deployment));
    }

    private int predict(String deployment, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/" + deployment + "/predict"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

}
