package dev.kiln.controlplane.people;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.controlplane.tenancy.User;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Own passwords and the operators' account management, without SMTP. A second replica (B) on the same database
 * shows that a disabled account's tokens stop working everywhere, not only where it was disabled.
 */
@MicronautTest(transactional = false)
class AccountsApiTest extends ApiTest {

    @Inject
    Tenants tenants;

    ApplicationContext replicaB;
    Api anonymousB;

    @BeforeAll
    void startReplicaB() {
        Map<String, Object> properties = new HashMap<>(getProperties());
        properties.put("micronaut.server.port", "-1");
        replicaB = ApplicationContext.run(properties);
        EmbeddedServer serverB = replicaB.getBean(EmbeddedServer.class).start();
        anonymousB = new Api(URI.create(serverB.getURL() + "/"), json);
    }

    @AfterAll
    void stopReplicaB() {
        if (replicaB != null) {
            replicaB.close();
        }
    }

    private User someone() {
        return tenants.create(Role.OWNER).user();
    }

    @Test
    void changingTheOwnPasswordEndsEveryOtherSessionAndKeepsThisOneWithNewTokens() {
        User user = someone();
        Api.Response otherLogin = anonymous.post("/api/v1/auth/login",
                Map.of("username", user.email(), "password", Tenants.PASSWORD));
        Api other = anonymous.as(otherLogin.get("access_token"));
        Api self = anonymous.login(user.email(), Tenants.PASSWORD);

        Api.Response changed = self.post("/api/v1/me/password",
                Map.of("currentPassword", Tenants.PASSWORD, "newPassword", "my own new password"));

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(other.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(anonymous.post("/api/v1/auth/refresh", Map.of("refresh_token", otherLogin.get("refresh_token")))
                .status()).isEqualTo(401);
        assertThat(anonymous.as(changed.get("access_token")).get("/api/v1/me").status()).isEqualTo(200);
        assertThat(anonymous.post("/api/v1/auth/login", Map.of("username", user.email(),
                "password", Tenants.PASSWORD)).status()).isEqualTo(401);
        assertThat(anonymous.login(user.email(), "my own new password").get("/api/v1/me").map())
                .containsEntry("mustChangePassword", false).containsEntry("operator", false);
    }

    @Test
    void aWrongCurrentPasswordOrAShortOrOverlongNewOneChangesNothing() {
        User user = someone();
        Api self = anonymous.login(user.email(), Tenants.PASSWORD);

        Api.Response wrong = self.post("/api/v1/me/password",
                Map.of("currentPassword", "not my password", "newPassword", "my own new password"));
        Api.Response tooShort = self.post("/api/v1/me/password",
                Map.of("currentPassword", Tenants.PASSWORD, "newPassword", "short"));
        Api.Response tooLong = self.post("/api/v1/me/password",
                Map.of("currentPassword", Tenants.PASSWORD, "newPassword", "é".repeat(40)));
        Api.Response unknown = self.post("/api/v1/me/password",
                Map.of("currentPassword", Tenants.PASSWORD, "newPassword", "my own new password", "userId", "x"));

        assertThat(wrong.status()).isEqualTo(403);
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.body()).contains("\"loc\":[\"body\",\"newPassword\"]");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).contains("password_too_long");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("userId");
        assertThat(self.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(anonymous.post("/api/v1/me/password", Map.of()).status()).isEqualTo(401);
    }

    @Test
    void aLoginWithAPasswordLongerThanBcryptTakesIs401NotAnError() {
        User user = someone();

        Api.Response login = anonymous.post("/api/v1/auth/login",
                Map.of("username", user.email(), "password", "x".repeat(500)));

        assertThat(login.status()).isEqualTo(401);
    }

    @Test
    void anOperatorCreatesAnAccountWhoseTemporaryPasswordMustBeChangedBeforeAnythingElse() {
        String email = "made-" + UUID.randomUUID() + "@example.com";

        Api.Response created = admin.post("/api/v1/users",
                Map.of("email", email, "temporaryPassword", "temporary password 1"));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.map()).containsEntry("email", email).containsEntry("mustChangePassword", true)
                .containsEntry("disabled", false).containsEntry("operator", false).containsKeys("id", "createdAt");
        Api fresh = anonymous.login(email, "temporary password 1");
        assertThat(fresh.get("/api/v1/me").map()).containsEntry("mustChangePassword", true);
        Api.Response blocked = fresh.get("/api/v1/organizations");
        assertThat(blocked.status()).isEqualTo(403);
        assertThat(blocked.get("message")).contains("temporary");
        Api.Response changed = fresh.post("/api/v1/me/password",
                Map.of("currentPassword", "temporary password 1", "newPassword", "chosen by myself"));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(anonymous.as(changed.get("access_token")).get("/api/v1/organizations").status()).isEqualTo(200);
        assertThat(admin.post("/api/v1/users", Map.of("email", email.toUpperCase(),
                "temporaryPassword", "temporary password 1")).status()).isEqualTo(409);
        assertThat(admin.get("/api/v1/users").list()).extracting(u -> u.get("email")).contains(email, ADMIN_EMAIL);
    }

    @Test
    void aDisabledAccountsTokensStopWorkingOnEveryReplicaAndItCannotLogInUntilEnabled() {
        User user = someone();
        Api onA = anonymous.login(user.email(), Tenants.PASSWORD);
        Api onB = anonymousB.login(user.email(), Tenants.PASSWORD);
        assertThat(onB.get("/api/v1/me").status()).isEqualTo(200);

        Api.Response disabled = admin.post("/api/v1/users/" + user.id() + "/disable", Map.of());

        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(disabled.map()).containsEntry("disabled", true);
        // Checked on every request against the database, so the very next request on any replica is refused.
        assertThat(onB.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(onA.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(anonymousB.post("/api/v1/auth/login", Map.of("username", user.email(),
                "password", Tenants.PASSWORD)).status()).isEqualTo(401);

        assertThat(admin.post("/api/v1/users/" + user.id() + "/enable", Map.of()).map())
                .containsEntry("disabled", false);
        assertThat(anonymousB.login(user.email(), Tenants.PASSWORD).get("/api/v1/me").status()).isEqualTo(200);
    }

    @Test
    void withoutMailAResetGivesTheOperatorATemporaryPasswordShownOnce() {
        User user = someone();
        Api before = anonymous.login(user.email(), Tenants.PASSWORD);

        Api.Response reset = admin.post("/api/v1/users/" + user.id() + "/reset-password", Map.of());

        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(reset.map()).containsEntry("delivery", "none");
        assertThat(before.get("/api/v1/me").status()).isEqualTo(401);
        Api after = anonymous.login(user.email(), reset.get("temporaryPassword"));
        assertThat(after.get("/api/v1/me").map()).containsEntry("mustChangePassword", true);
        assertThat(after.get("/api/v1/organizations").status()).isEqualTo(403);
    }

    @Test
    void nonOperatorsCannotManageAccountsAndOperatorsCannotDisableThemselves() {
        User user = someone();
        Api owner = anonymous.login(user.email(), Tenants.PASSWORD);
        String adminId = admin.get("/api/v1/me").get("id");

        assertThat(owner.get("/api/v1/users").status()).isEqualTo(403);
        assertThat(owner.post("/api/v1/users", Map.of("email", "x-" + UUID.randomUUID() + "@example.com",
                "temporaryPassword", "temporary password 1")).status()).isEqualTo(403);
        assertThat(owner.post("/api/v1/users/" + adminId + "/disable", Map.of()).status()).isEqualTo(403);
        assertThat(owner.post("/api/v1/users/" + adminId + "/reset-password", Map.of()).status()).isEqualTo(403);
        assertThat(anonymous.get("/api/v1/users").status()).isEqualTo(401);
        assertThat(admin.post("/api/v1/users/" + adminId + "/disable", Map.of()).status()).isEqualTo(409);
        assertThat(admin.post("/api/v1/users/" + UUID.randomUUID() + "/disable", Map.of()).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/me").map()).containsEntry("operator", true)
                .containsEntry("mustChangePassword", false);
    }
}
