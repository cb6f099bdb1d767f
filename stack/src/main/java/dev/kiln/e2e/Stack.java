package dev.kiln.e2e;

import dev.kiln.db.EmbeddedDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole Kiln on loopback: embedded Postgres, one control plane (and optionally a second replica on the same
 * database) and some nodes, each its own process. Fault tests stop and restart any of them.
 */
public final class Stack implements AutoCloseable {
    public static final String ADMIN_EMAIL = "admin@kiln.local";
    public static final String ADMIN_PASSWORD = "e2e-admin-password";
    /** Public for the scale benchmark's simulated nodes, which join like real ones. */
    public static final String JOIN_TOKEN = "e2e-join-token-0123456789abcdef";
    private static final String JWT_SECRET = "e2e-jwt-secret-0123456789abcdef0123456789abcdef";
    /** The same on every control plane of a stack: each replica opens the nodes' sealed gateway tokens. */
    public static final String NODE_TOKEN_KEY = "e2e-node-token-key-0123456789abcdef0123456789";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    /** Replaced by {@link #startDatabase()}; same data directory, port and URL. */
    public volatile EmbeddedDatabase db;
    private final Path dbData;
    private final int dbPort;
    private final int port;
    private final int replicaPort;
    private final int internalPort;
    private final int replicaInternalPort;
    private final Path root;
    private final Path home;
    private final List<String> jvmOptions;
    private AppProcess controlPlane;
    private AppProcess replica;
    private final List<AppProcess> nodes = new ArrayList<>();
    private final Map<String, String> controlPlaneEnv = new HashMap<>();

    /**
     * @param root       the repository root (the apps run from its modules' target folders)
     * @param home       data and logs of this stack
     * @param jvmOptions JVM options of every app: quick start-up for tests, the defaults for benchmarks
     */
    public Stack(Path root, Path home, List<String> jvmOptions) {
        this.root = root;
        this.home = home;
        this.jvmOptions = List.copyOf(jvmOptions);
        // A data directory and port of its own rather than a temporary server, so Postgres can be restarted.
        this.dbData = home.resolve("postgres");
        this.dbPort = AppProcess.freePort();
        this.db = EmbeddedDatabase.start(dbData, dbPort);
        this.port = AppProcess.freePort();
        this.replicaPort = AppProcess.freePort();
        this.internalPort = AppProcess.freePort();
        this.replicaInternalPort = AppProcess.freePort();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The first control plane's internal listener (the node API), where nodes register and heartbeat. */
    public String internalUrl() {
        return "http://127.0.0.1:" + internalPort;
    }

    /** The second control-plane replica's base URL (gateway and API), once {@link #startReplica()} ran. */
    public String replicaUrl() {
        return "http://127.0.0.1:" + replicaPort;
    }

    /** Extra environment of the control planes started from now on (e.g. KILN_SMTP_*). */
    public Stack withControlPlaneEnv(Map<String, String> env) {
        controlPlaneEnv.putAll(env);
        return this;
    }

    public Stack startControlPlane() {
        controlPlane = controlPlane("control-plane", port, internalPort);
        return this;
    }

    /** A second control-plane replica on the same Postgres; nodes keep talking to the first one ({@link #internalUrl()}). */
    public Stack startReplica() {
        replica = controlPlane("control-plane-replica", replicaPort, replicaInternalPort);
        return this;
    }

    /** The first control plane's process id (the scale benchmark reads its CPU time). */
    public long controlPlanePid() {
        return controlPlane.pid();
    }

    /** The named node's process id (the flood benchmark reads its memory). */
    public long nodePid(String name) {
        return nodes.stream().filter(node -> node.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name)).pid();
    }

    public void stopReplica() {
        replica.close();
    }

    /** Stops Postgres (a clean shutdown); the apps keep running without it. */
    public void stopDatabase() {
        db.close();
    }

    /** Starts Postgres again on the same data directory and port. */
    public void startDatabase() {
        db = EmbeddedDatabase.start(dbData, dbPort);
    }

    /** {@code kill -9} of the named node: no shutdown hook, no goodbye to the control plane. */
    public void killNode(String name) {
        nodes.stream().filter(node -> node.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name)).kill();
    }

    private AppProcess controlPlane(String name, int port, int internalPort) {
        Map<String, String> env = new HashMap<>();
        env.put("KILN_PORT", String.valueOf(port));
        env.put("KILN_INTERNAL_PORT", String.valueOf(internalPort));
        env.put("KILN_NODE_ALLOW_LOOPBACK", "true"); // every node of a test stack runs on loopback
        env.put("KILN_BIND", "127.0.0.1");
        env.put("KILN_DB_URL", db.jdbcUrl());
        env.put("KILN_DB_USER", db.user());
        env.put("KILN_DB_PASSWORD", db.password());
        env.put("KILN_JWT_SECRET", JWT_SECRET);
        env.put("KILN_NODE_TOKEN_KEY", NODE_TOKEN_KEY);
        env.put("KILN_JOIN_TOKEN", JOIN_TOKEN);
        env.put("KILN_ADMIN_EMAIL", ADMIN_EMAIL);
        env.put("KILN_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("KILN_ORT_CACHE", ortCache().toString());
        env.put("KILN_DATA_DIR", home.resolve(name).toString());
        // The benchmarks and load tests measure throughput and scale, not limits: no default key rate limit, and quotas
        // above what ScaleBench creates in one organization (1,000 deployments × 3 instances).
        env.put("KILN_GATEWAY_DEFAULT_KEY_RATE_LIMIT", "0");
        env.put("KILN_QUOTA_DEPLOYMENTS", "100000");
        env.put("KILN_QUOTA_INSTANCES", "1000000");
        // Health lives on the management port (never the default 8090: replicas and ./kiln may run beside).
        int managementPort = AppProcess.freePort();
        env.put("KILN_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.putAll(controlPlaneEnv);
        return app(name, "control-plane", "dev.kiln.controlplane.Application", env)
                .awaitHealthy("http://127.0.0.1:" + managementPort + "/health", START_TIMEOUT);
    }

    public void stopControlPlane() {
        controlPlane.close();
    }

    public Stack startNode(String name) {
        return startNode(name, true);
    }

    /**
     * @param allowPrivateUrls whether {@code image_type: url} may reach loopback and private addresses (the tests'
     *                         own image server); without it the node refuses them, as it does by default
     */
    public Stack startNode(String name, boolean allowPrivateUrls) {
        int nodePort = AppProcess.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("KILN_CONTROL_PLANE_INTERNAL_URL", internalUrl());
        env.put("KILN_JOIN_TOKEN", JOIN_TOKEN);
        env.put("KILN_NODE_PORT", String.valueOf(nodePort));
        env.put("KILN_NODE_BIND", "127.0.0.1");
        env.put("KILN_NODE_NAME", name);
        env.put("KILN_NODE_HOME", home.resolve(name).toString());
        env.put("KILN_ORT_CACHE", ortCache().toString());
        // Most tests serve images from loopback; BadInputEndToEndTest keeps the default guard that refuses them.
        if (allowPrivateUrls) {
            env.put("KILN_NODE_IMAGES_ALLOW_PRIVATE_URLS", "true");
        }
        int managementPort = AppProcess.freePort(); // never the default 9081: nodes run side by side
        env.put("KILN_NODE_MANAGEMENT_PORT", String.valueOf(managementPort));
        nodes.add(app(name, "inference-node", "dev.kiln.node.Application", env)
                .awaitHealthy("http://127.0.0.1:" + managementPort + "/health", START_TIMEOUT));
        return this;
    }

    public String logs() {
        StringBuilder all = new StringBuilder();
        if (controlPlane != null) {
            all.append("--- control plane ---\n").append(controlPlane.logTail()).append('\n');
        }
        if (replica != null) {
            all.append("--- control-plane replica ---\n").append(replica.logTail()).append('\n');
        }
        for (int i = 0; i < nodes.size(); i++) {
            all.append("--- node ").append(i).append(" ---\n").append(nodes.get(i).logTail()).append('\n');
        }
        return all.toString();
    }

    /** Where every stack unpacks ONNX Runtime's natives, once (ignored by git). */
    public Path ortCache() {
        return root.resolve("target/ort-cache");
    }

    private AppProcess app(String name, String module, String mainClass, Map<String, String> env) {
        return AppProcess.start(root, name, module, mainClass, jvmOptions, env, home.resolve("logs/" + name + ".log"));
    }

    @Override
    public void close() {
        nodes.forEach(AppProcess::close);
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (replica != null) {
            replica.close();
        }
        db.close();
        deleteRecursively(dbData); // what startTemporary() did: a stack's database does not outlive it
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
