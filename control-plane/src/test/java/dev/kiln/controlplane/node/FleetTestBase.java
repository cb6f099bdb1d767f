package dev.kiln.controlplane.node;

import dev.kiln.db.EmbeddedDatabase;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Base of the fleet's integration tests: the real application against a real (embedded) Postgres shared by
 * the test JVM, wiped before each test. The reconcile loop's timer is off so tests drive rounds themselves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class FleetTestBase implements TestPropertyProvider {

    public static final String JOIN_TOKEN = "test-join-token-0123456789";
    public static final String NODE_TOKEN_KEY = "test-node-token-key-0123456789abcdef0123456789";
    public static final String ADMIN_PASSWORD = "test-admin-password";
    public static final String ADMIN_EMAIL = "admin@kiln.local";

    private static EmbeddedDatabase database;

    @Inject
    protected EmbeddedServer server;
    @Inject
    protected DataSource dataSource;
    @Inject
    protected JsonMapper json;
    @Inject
    protected AdjustableClock clock;

    protected FleetFixtures fixtures;
    protected final HttpClient http = HttpClient.newHttpClient();

    private static synchronized EmbeddedDatabase database() {
        if (database == null) {
            database = EmbeddedDatabase.startTemporary();
            Runtime.getRuntime().addShutdownHook(new Thread(database::close));
        }
        return database;
    }

    @Override
    public Map<String, String> getProperties() {
        EmbeddedDatabase db = database();
        return Map.ofEntries(
                // The gateway waits this long past a deployment's timeout before answering 504 itself.
                Map.entry("kiln.gateway.timeout-grace", "100ms"),
                Map.entry("datasources.default.url", db.jdbcUrl()),
                Map.entry("datasources.default.username", db.user()),
                Map.entry("datasources.default.password", db.password()),
                Map.entry("micronaut.server.port", "-1"),
                Map.entry("micronaut.security.token.jwt.signatures.secret.generator.secret",
                        "test-jwt-secret-0123456789abcdef0123456789abcdef"),
                Map.entry("kiln.nodes.join-token", JOIN_TOKEN),
                Map.entry("kiln.nodes.token-key", NODE_TOKEN_KEY),
                // Nodes of the tests run on loopback; some are registered in-process under 10.x addresses.
                Map.entry("kiln.nodes.allow-loopback", "true"),
                Map.entry("kiln.nodes.networks", "10.0.0.0/8"),
                Map.entry("kiln.scheduler.enabled", "false"),
                Map.entry("kiln.bootstrap.admin-password", ADMIN_PASSWORD),
                Map.entry("kiln.test.adjustable-clock", "true"));
    }

    @BeforeEach
    void wipe() {
        fixtures = new FleetFixtures(dataSource);
        fixtures.wipe();
        clock.reset();
    }

    /** The node API's paths go to the internal listener, everything else to the public one. */
    protected URI uri(String path) {
        return URI.create((path.startsWith("/internal/") ? internalUrl() : server.getURL().toString()) + path);
    }

    protected String internalUrl() {
        return "http://127.0.0.1:" + server.getApplicationContext().getRequiredProperty("kiln.internal-port",
                Integer.class);
    }

    protected String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected <T> T fromJson(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An access token of the bootstrap admin, who is an operator. */
    protected String login() {
        HttpResponse<String> response = call("POST", "/api/v1/auth/login", null,
                Map.of("username", ADMIN_EMAIL, "password", ADMIN_PASSWORD));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("login failed: " + response.body());
        }
        return (String) fromJson(response.body(), Map.class).get("access_token");
    }

    /** A JSON request; {@code token} and {@code body} may be null. */
    protected HttpResponse<String> call(String method, String path, String token, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(toJson(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
