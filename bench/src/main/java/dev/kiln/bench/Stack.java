package dev.kiln.bench;

import dev.kiln.db.EmbeddedDatabase;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Kiln on loopback for the benchmark: embedded Postgres, a control plane and one node, each node its own process. */
final class Stack implements AutoCloseable {
    static final String ADMIN_EMAIL = "admin@kiln.local";
    static final String ADMIN_PASSWORD = "bench-admin-password";
    private static final String JOIN_TOKEN = "bench-join-token-0123456789abcdef";
    private static final String JWT_SECRET = "bench-jwt-secret-0123456789abcdef0123456789abcdef";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Path root;
    private final Path home;
    private final EmbeddedDatabase db;
    private final int port = AppProcess.freePort();
    private AppProcess controlPlane;
    private AppProcess node;

    Stack(Path root, Path home) {
        this.root = root;
        this.home = home;
        this.db = EmbeddedDatabase.startTemporary();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    Path ortCache() {
        return root.resolve("bench/target/ort-cache");
    }

    Stack start() {
        Map<String, String> cp = new HashMap<>();
        cp.put("KILN_PORT", String.valueOf(port));
        cp.put("KILN_BIND", "127.0.0.1");
        cp.put("KILN_DB_URL", db.jdbcUrl());
        cp.put("KILN_DB_USER", db.user());
        cp.put("KILN_DB_PASSWORD", db.password());
        cp.put("KILN_JWT_SECRET", JWT_SECRET);
        cp.put("KILN_JOIN_TOKEN", JOIN_TOKEN);
        cp.put("KILN_ADMIN_EMAIL", ADMIN_EMAIL);
        cp.put("KILN_ADMIN_PASSWORD", ADMIN_PASSWORD);
        cp.put("KILN_ORT_CACHE", ortCache().toString());
        cp.put("KILN_DATA_DIR", home.resolve("control-plane").toString());
        controlPlane = AppProcess.start(root, "control-plane", "dev.kiln.controlplane.Application", cp,
                home.resolve("control-plane.log")).awaitHealthy(url() + "/health", START_TIMEOUT);

        int nodePort = AppProcess.freePort();
        Map<String, String> n = new HashMap<>();
        n.put("KILN_CONTROL_PLANE_URL", url());
        n.put("KILN_JOIN_TOKEN", JOIN_TOKEN);
        n.put("KILN_NODE_PORT", String.valueOf(nodePort));
        n.put("KILN_NODE_BIND", "127.0.0.1");
        n.put("KILN_NODE_NAME", "bench-node");
        n.put("KILN_NODE_HOME", home.resolve("node").toString());
        n.put("KILN_ORT_CACHE", ortCache().toString());
        node = AppProcess.start(root, "inference-node", "dev.kiln.node.Application", n, home.resolve("node.log"))
                .awaitHealthy("http://127.0.0.1:" + nodePort + "/health", START_TIMEOUT);
        return this;
    }

    @Override
    public void close() {
        if (node != null) {
            node.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        db.close();
    }
}
