package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Its own class (own context, own in-memory throttle) so the failures here slow down no other test's logins. */
@MicronautTest(transactional = false)
class LoginThrottlingApiTest extends ApiTest {

    @Inject
    Tenants tenants;

    /** A first delay of a minute, so the refusal below cannot be outrun by a slow machine. */
    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new java.util.HashMap<>(super.getProperties());
        properties.put("kiln.auth.login-throttle.base-delay", "1m");
        return properties;
    }

    @Test
    void repeatedWrongPasswordsForOneAccountAre429WithRetryAfterEvenForTheRightPassword() throws Exception {
        String email = tenants.create(Role.OWNER).user().email();
        for (int i = 0; i < 5; i++) {
            assertThat(anonymous.post("/api/v1/auth/login", Map.of("username", email, "password", "guess " + i))
                    .status()).isEqualTo(401);
        }

        HttpResponse<String> throttled = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.getURL() + "/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(
                        Map.of("username", email, "password", Tenants.PASSWORD)))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Long.parseLong(v)).isBetween(1L, 60L));
        assertThat(throttled.body()).contains("\"status\":429").contains("Too many failed logins");
        Api.Response otherAccount = anonymous.post("/api/v1/auth/login",
                Map.of("username", ADMIN_EMAIL, "password", ADMIN_PASSWORD));
        assertThat(otherAccount.status()).as("other accounts from the same address still log in").isEqualTo(200);
    }
}
