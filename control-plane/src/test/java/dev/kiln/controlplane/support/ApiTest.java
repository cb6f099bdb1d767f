package dev.kiln.controlplane.support;

import dev.kiln.db.EmbeddedDatabase;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Base of the HTTP-level tests: a real server on a random port against the shared embedded Postgres, with the
 * bootstrap admin logged in as {@link #admin}. Subclasses add {@code @MicronautTest(transactional = false)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ApiTest implements TestPropertyProvider {

    public static final String ADMIN_EMAIL = "admin@kiln.local";
    public static final String ADMIN_PASSWORD = "correct horse battery staple";
    public static final String JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";
    public static final String NODE_TOKEN_KEY = "test-node-token-key-that-is-long-enough-0123456789";
    /** Upload temp files of every test context go here, so tests can check nothing is left behind. */
    public static final Path DATA_DIR = Path.of("target", "test-data").toAbsolutePath();

    @Inject
    protected EmbeddedServer server;
    @Inject
    protected JsonMapper json;

    protected Api anonymous;
    protected Api admin;
    /** An anonymous client of the internal listener (the node API). */
    protected Api internal;

    @Override
    public Map<String, String> getProperties() {
        EmbeddedDatabase db = TestDatabase.get();
        return Map.ofEntries(
                Map.entry("datasources.default.url", db.jdbcUrl()),
                Map.entry("datasources.default.username", db.user()),
                Map.entry("datasources.default.password", db.password()),
                Map.entry("micronaut.security.token.jwt.signatures.secret.generator.secret", JWT_SECRET),
                Map.entry("kiln.bootstrap.admin-email", ADMIN_EMAIL),
                Map.entry("kiln.bootstrap.admin-password", ADMIN_PASSWORD),
                Map.entry("kiln.data-dir", DATA_DIR.toString()),
                Map.entry("kiln.nodes.join-token", "test-join-token-0123456789abcdef0123456789"),
                Map.entry("kiln.nodes.token-key", NODE_TOKEN_KEY),
                Map.entry("kiln.nodes.allow-loopback", "true"));
    }

    @BeforeEach
    protected void clients() {
        anonymous = new Api(URI.create(server.getURL().toString() + "/"), json);
        internal = new Api(URI.create(internalUrl() + "/"), json);
        if (admin == null) {
            admin = anonymous.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        }
    }

    protected String internalUrl() {
        return "http://127.0.0.1:" + server.getApplicationContext().getRequiredProperty("kiln.internal-port",
                Integer.class);
    }

    /** The id of the bootstrap "Default" project (the admin's first organization's first project). */
    protected String defaultProjectId() {
        String orgId = admin.get("/api/v1/organizations").list().getFirst().get("id").toString();
        List<Map<String, Object>> projects = admin.get("/api/v1/organizations/" + orgId + "/projects").list();
        return projects.getFirst().get("id").toString();
    }
}
