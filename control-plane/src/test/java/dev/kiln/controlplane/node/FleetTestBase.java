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
    public static final String ADMIN_PASSWORD = "test-admin-password";

    private static EmbeddedDatabase database;

    @Inject
    protected EmbeddedServer server;
    @Inject
    protected DataSource dataSource;
    @Inject
    protected JsonMapper json;

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
        return Map.of(
                // The gateway waits this long past a deployment's timeout before answering 504 itself.
                "kiln.gateway.timeout-grace", "100ms",
                "datasources.default.url", db.jdbcUrl(),
                "datasources.default.username", db.user(),
                "datasources.default.password", db.password(),
                "micronaut.server.port", "-1",
                "micronaut.security.token.jwt.signatures.secret.generator.secret",
                "test-jwt-secret-0123456789abcdef0123456789abcdef",
                "kiln.nodes.join-token", JOIN_TOKEN,
                "kiln.scheduler.enabled", "false",
                "kiln.bootstrap.admin-password", ADMIN_PASSWORD);
    }

    @BeforeEach
    void wipe() {
        fixtures = new FleetFixtures(dataSource);
        fixtures.wipe();
    }

    protected URI uri(String path) {
        return URI.create(server.getURL() + path);
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
