package dev.kiln.e2e;

import dev.kiln.db.EmbeddedDatabase;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A whole Kiln on loopback: embedded Postgres, one control plane and some nodes, each node its own process. */
public final class Stack implements AutoCloseable {
    public static final String ADMIN_EMAIL = "admin@kiln.local";
    public static final String ADMIN_PASSWORD = "e2e-admin-password";
    private static final String JOIN_TOKEN = "e2e-join-token-0123456789abcdef";
    private static final String JWT_SECRET = "e2e-jwt-secret-0123456789abcdef0123456789abcdef";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    public final EmbeddedDatabase db;
    private final int port;
    private final Path root;
    private final Path home;
    private final List<String> jvmOptions;
    private AppProcess controlPlane;
    private final List<AppProcess> nodes = new ArrayList<>();

    /**
     * @param root       the repository root (the apps run from its modules' target folders)
     * @param home       data and logs of this stack
     * @param jvmOptions JVM options of every app: quick start-up for tests, the defaults for benchmarks
     */
    public Stack(Path root, Path home, List<String> jvmOptions) {
        this.root = root;
        this.home = home;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.db = EmbeddedDatabase.startTemporary();
        this.port = AppProcess.freePort();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Stack startControlPlane() {
        Map<String, String> env = new HashMap<>();
        env.put("KILN_PORT", String.valueOf(port));
        env.put("KILN_BIND", "127.0.0.1");
        env.put("KILN_DB_URL", db.jdbcUrl());
        env.put("KILN_DB_USER", db.user());
        env.put("KILN_DB_PASSWORD", db.password());
        env.put("KILN_JWT_SECRET", JWT_SECRET);
        env.put("KILN_JOIN_TOKEN", JOIN_TOKEN);
        env.put("KILN_ADMIN_EMAIL", ADMIN_EMAIL);
        env.put("KILN_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("KILN_ORT_CACHE", ortCache().toString());
        env.put("KILN_DATA_DIR", home.resolve("control-plane").toString());
        controlPlane = app("control-plane", "control-plane", "dev.kiln.controlplane.Application", env)
                .awaitHealthy(url() + "/health", START_TIMEOUT);
        return this;
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
        env.put("KILN_CONTROL_PLANE_URL", url());
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
        nodes.add(app(name, "inference-node", "dev.kiln.node.Application", env)
                .awaitHealthy("http://127.0.0.1:" + nodePort + "/health", START_TIMEOUT));
        return this;
    }

    public String logs() {
        StringBuilder all = new StringBuilder();
        if (controlPlane != null) {
            all.append("--- control plane ---\n").append(controlPlane.logTail()).append('\n');
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
        db.close();
    }
}
