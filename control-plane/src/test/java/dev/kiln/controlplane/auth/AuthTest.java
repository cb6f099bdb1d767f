package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.audit.AuditEventRepository;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class AuthTest extends ApiTest {

    @Inject
    AuditEventRepository audit;

    @Test
    void loginWithTheBootstrapAdminsPasswordReturnsBearerTokens() {
        Api.Response r = anonymous.post("/api/v1/auth/login", Map.of("username", ADMIN_EMAIL, "password", ADMIN_PASSWORD));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.get("token_type")).isEqualTo("Bearer");
        assertThat(r.get("access_token")).isNotBlank();
        assertThat(r.get("refresh_token")).isNotBlank();
        assertThat(((Number) r.map().get("expires_in")).longValue()).isEqualTo(3600);
    }

    @Test
    void loginWithAWrongPasswordIs401WithTheErrorBodyAndIsAudited() {
        long failuresBefore = audit.findByActionOrderByIdDesc("auth.login_failed").size();

        Api.Response r = anonymous.post("/api/v1/auth/login", Map.of("username", ADMIN_EMAIL, "password", "nope"));

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.map()).containsEntry("status", 401).containsEntry("error", "Unauthorized")
                .containsEntry("message", "Wrong username or password.").containsKey("detail")
                .doesNotContainKey("predictId");
        assertThat(audit.findByActionOrderByIdDesc("auth.login_failed")).hasSize((int) failuresBefore + 1);
    }

    @Test
    void loginWithAnUnknownUserIs401() {
        Api.Response r = anonymous.post("/api/v1/auth/login", Map.of("username", "ghost@kiln.local", "password", "x"));

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.get("message")).isEqualTo("Wrong username or password.");
    }

    @Test
    void managementCallWithoutATokenIs401WithTheErrorBody() {
        Api.Response r = anonymous.get("/api/v1/organizations");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.map()).containsEntry("status", 401).containsEntry("error", "Unauthorized").containsKey("message");
    }

    @Test
    void managementCallWithAForgedTokenIs401() {
        Api.Response r = anonymous.as("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl").get("/api/v1/me");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.map()).containsEntry("error", "Unauthorized");
    }

    @Test
    void meShowsTheUserAndItsOwnerMembershipOfTheDefaultOrganization() {
        Api.Response r = admin.get("/api/v1/me");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.map()).containsEntry("email", ADMIN_EMAIL).containsEntry("operator", true);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> memberships = (List<Map<String, Object>>) r.map().get("memberships");
        assertThat(memberships).anySatisfy(m -> assertThat(m)
                .containsEntry("organizationName", "Default").containsEntry("role", "OWNER"));
    }

    @Test
    void aRefreshTokenBuysANewAccessTokenButIsNotItselfAnAccessToken() {
        Api.Response login = anonymous.post("/api/v1/auth/login",
                Map.of("username", ADMIN_EMAIL, "password", ADMIN_PASSWORD));
        String refresh = login.get("refresh_token");

        Api.Response refreshed = anonymous.post("/api/v1/auth/refresh", Map.of("refresh_token", refresh));

        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(anonymous.as(refreshed.get("access_token")).get("/api/v1/me").status()).isEqualTo(200);
        assertThat(anonymous.as(refresh).get("/api/v1/me").status()).isEqualTo(401);
        assertThat(anonymous.post("/api/v1/auth/refresh", Map.of("refresh_token", login.get("access_token"))).status())
                .isEqualTo(401);
    }

    @Test
    void malformedJsonIs400WithTheErrorBody() {
        Api.Response r = anonymous.postRaw("/api/v1/auth/login", "application/json", "{\"username\": ");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.map()).containsEntry("status", 400).containsEntry("error", "BadRequest")
                .containsEntry("message", "The request body is not valid JSON.");
    }

    @Test
    void unsupportedContentTypeIs415WithTheErrorBody() {
        Api.Response r = anonymous.postRaw("/api/v1/auth/login", "text/plain", "hello");

        assertThat(r.status()).isEqualTo(415);
        assertThat(r.map()).containsEntry("status", 415).containsEntry("error", "UnsupportedMediaType");
    }

    @Test
    void wrongMethodIs405WithTheErrorBody() {
        Api.Response r = anonymous.get("/api/v1/auth/login");

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.map()).containsEntry("status", 405).containsEntry("error", "MethodNotAllowed");
    }

    @Test
    void unknownRouteIs404WithTheErrorBody() {
        Api.Response r = admin.get("/api/v1/no-such-thing");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.map()).containsEntry("status", 404).containsEntry("error", "NotFound");
    }
}
