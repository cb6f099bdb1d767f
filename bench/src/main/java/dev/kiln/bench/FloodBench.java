package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.e2e.AppProcess;
import dev.kiln.e2e.Flood;
import dev.kiln.e2e.Stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./kiln bench flood}: the flood of issue 14 (the same driver as FloodEndToEndTest) against a control plane
 * and a node with -Xmx512m, printing the statuses and the peak heap and RSS of both processes while it ran.
 * Options: --clients 40 --seconds 20 --body-mb 16 --logins 128.
 */
public final class FloodBench {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private FloodBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchArgs.options(args);
        int clients = Integer.parseInt(options.getOrDefault("clients", "40"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        int bodyMb = Integer.parseInt(options.getOrDefault("body-mb", "16"));
        int logins = Integer.parseInt(options.getOrDefault("logins", "128"));
        Path root = BenchArgs.repositoryRoot();
        Path model = root.resolve("../shared/models/mobilenet_v3_small.onnx").toAbsolutePath().normalize();
        Path home = Files.createDirectories(root.resolve("bench/target/flood-" + System.currentTimeMillis()));
        byte[] floodBody = Flood.paddedJpegBody(BenchImage.image(), bodyMb * 1024 * 1024);
        String tenantBody = "{\"image_type\":\"base64\",\"data\":\""
                + Base64.getEncoder().encodeToString(BenchImage.jpeg()) + "\"}";

        try (Stack stack = new Stack(root, home, List.of("-Xmx512m")).startControlPlane().startNode("flood-node")) {
            Api api = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
            String firstOrg = api.get("/api/v1/organizations").get(0).get("id").asText();
            String secondOrg = Api.require(api.post("/api/v1/organizations", Map.of("name", "second-tenant")), 201)
                    .get("id").asText();
            String[] flooded = deploy(api, firstOrg, "flooded", model);
            String[] other = deploy(api, secondOrg, "other-tenant", model);
            Flood.Targets targets = new Flood.Targets(stack.url(), flooded[0], flooded[1], other[0], other[1],
                    tenantBody);
            System.out.printf("Flood: %d clients × %d MB bodies for %d s, a second tenant at 2/s, then %d anonymous "
                    + "10 MB logins; control plane and node at -Xmx512m; logs in %s%n", clients, bodyMb, seconds,
                    logins, home);

            Peaks controlPlane = new Peaks(stack.controlPlanePid());
            Peaks node = new Peaks(stack.nodePid("flood-node"));
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                controlPlane.sample();
                node.sample();
            }, 0, 500, TimeUnit.MILLISECONDS);
            Flood.Result result = new Flood().run(targets, floodBody, clients, Duration.ofSeconds(seconds), 2, logins);
            sampler.shutdownNow();

            System.out.println("flood statuses:         " + result.flood() + "   (-1: no HTTP answer)");
            System.out.println("second tenant statuses: " + result.tenant());
            System.out.println("anonymous logins:       " + result.logins() + " in " + result.loginBurst().toMillis()
                    + " ms");
            System.out.println("control plane: " + controlPlane);
            System.out.println("inference node: " + node);
        }
    }

    /** Creates a classifier deployment in a new project of the organization; its id and a key. */
    private static String[] deploy(Api api, String orgId, String name, Path model) {
        String project = Api.require(api.post("/api/v1/organizations/" + orgId + "/projects", Map.of("name", name)),
                201).get("id").asText();
        String modelId = Api.require(api.post("/api/v1/projects/" + project + "/models",
                Map.of("name", name, "task", "classification")), 201).get("id").asText();
        JsonNode version = Api.require(api.uploadVersion(modelId, model, "v1"), 201, 200);
        String deployment = Api.require(api.post("/api/v1/projects/" + project + "/deployments", Map.of("name", name,
                "modelVersionId", version.get("id").asText(), "instances", 1)), 201).get("id").asText();
        String key = Api.require(api.post("/api/v1/projects/" + project + "/keys", Map.of("name", name)), 201)
                .get("secret").asText();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
        while (!"ONLINE".equals(api.get("/api/v1/deployments/" + deployment).path("status").asText())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("deployment " + name + " did not come online");
            }
            AppProcess.sleep(500);
        }
        AppProcess.sleep(2000); // the gateway learns of the ready instance on its next routing refresh
        return new String[]{deployment, key};
    }

    /** Peak heap in use (jcmd GC.heap_info) and peak resident set (VmHWM) of one process. */
    private static final class Peaks {
        private final long pid;
        private final AtomicLong heapKb = new AtomicLong();
        private volatile String hwm = "?";

        Peaks(long pid) {
            this.pid = pid;
        }

        void sample() {
            try {
                Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
                Matcher used = HEAP_USED.matcher(new String(jcmd.getInputStream().readAllBytes()));
                if (used.find()) {
                    heapKb.accumulateAndGet(Long.parseLong(used.group(1)), Math::max);
                }
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        hwm = line.substring(6).trim();
                    }
                }
            } catch (IOException processGone) {
                hwm = hwm + " (process gone)";
            }
        }

        @Override
        public String toString() {
            return "pid " + pid + ", peak heap used " + heapKb.get() / 1024 + " MB, peak RSS (VmHWM) " + hwm;
        }
    }
}
