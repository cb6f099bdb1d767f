package dev.kiln.controlplane.node;

import dev.kiln.protocol.ErrorBody;
import dev.kiln.protocol.InternalPaths;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class InternalListenerTest extends FleetTestBase {

    private static final List<String> INTERNAL_PATHS = List.of(InternalPaths.REGISTER,
            "/internal/v1/nodes/" + UUID.randomUUID() + "/heartbeat",
            "/internal/v1/nodes/" + UUID.randomUUID() + "/assignments",
            "/internal/v1/artifacts/" + "0".repeat(64), "/internal/", "/internal/anything");

    @Test
    void theNodeApiIsNotFoundOnThePublicPortWhateverTheCredentials() {
        for (String path : INTERNAL_PATHS) {
            for (String method : List.of("GET", "POST")) {
                HttpResponse<String> response = send(HttpRequest.newBuilder(
                                URI.create(server.getURL() + path))
                        .header("Content-Type", "application/json")
                        .header(InternalPaths.JOIN_TOKEN_HEADER, JOIN_TOKEN)
                        .method(method, HttpRequest.BodyPublishers.ofString(toJson(NodeApiTest.registration(null,
                                "public-" + UUID.randomUUID()))))
                        .build());
                assertThat(response.statusCode()).as(method + " " + path).isEqualTo(404);
                assertThat(fromJson(response.body(), ErrorBody.class).status()).as(path).isEqualTo(404);
            }
        }
        assertThat(fixtures.column("SELECT id FROM nodes", UUID.class)).as("nobody registered").isEmpty();
    }

    @Test
    void thePublicPathsAreNotFoundOnTheInternalPort() {
        String token = login();
        for (String path : List.of("/", "/index.html", "/api/v1/me", "/api/v1/nodes", "/api/v1/auth/login",
                "/openapi.yml", "/health", "/prometheus", "/ping", "/" + UUID.randomUUID() + "/predict",
                "/v2/health/ready")) {
            for (String method : List.of("GET", "POST")) {
                HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(internalUrl() + path))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                        .method(method, HttpRequest.BodyPublishers.ofString(toJson(Map.of(
                                "username", ADMIN_EMAIL, "password", ADMIN_PASSWORD))))
                        .build());
                assertThat(response.statusCode()).as(method + " " + path).isEqualTo(404);
                assertThat(fromJson(response.body(), ErrorBody.class).message())
                        .isEqualTo("Only /internal/** is served on the internal port.");
            }
        }
    }

    @Test
    void nodesRegisterOnTheInternalPort() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(internalUrl() + InternalPaths.REGISTER))
                .header("Content-Type", "application/json").header(InternalPaths.JOIN_TOKEN_HEADER, JOIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(toJson(NodeApiTest.registration(null, "node-a"))))
                .build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
