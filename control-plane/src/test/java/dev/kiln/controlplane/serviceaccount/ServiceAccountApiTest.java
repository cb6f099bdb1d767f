package dev.kiln.controlplane.serviceaccount;

import dev.kiln.controlplane.audit.AuditEventRepository;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Service accounts and their {@code kiln_sat_} tokens as bearers of the management API. */
@MicronautTest(transactional = false)
class ServiceAccountApiTest extends ApiTest {

    @Inject
    Tenants tenants;
    @Inject
    AuditEventRepository audit;

    Tenants.Tenant tenant;
    String orgId;
    String projectId;
    Api owner;

    @BeforeAll
    void tenant() {
        clients();
        tenant = tenants.create(Role.OWNER);
        orgId = tenant.organization().id().toString();
        projectId = tenant.project().id().toString();
        owner = anonymous.login(tenant.user().email(), Tenants.PASSWORD);
    }

    @Test
    void anOwnerCreatesAnAccountAndATokenThatIsShownOnceAndListedOnlyByItsPrefix() {
        Api.Response account = owner.post(accounts(), Map.of("name", "ci", "role", "MEMBER"));
        assertThat(account.status()).as(account.body()).isEqualTo(201);
        assertThat(account.map()).containsEntry("organizationId", orgId).containsEntry("name", "ci")
                .containsEntry("role", "MEMBER").containsKeys("id", "createdAt");
        String accountId = account.get("id");

        Api.Response token = owner.post(tokens(accountId), Map.of("name", "pipeline"));

        assertThat(token.status()).as(token.body()).isEqualTo(201);
        String secret = token.get("token");
        assertThat(secret).startsWith("kiln_sat_").hasSize(52);
        assertThat(token.map()).containsEntry("name", "pipeline").containsEntry("prefix", secret.substring(0, 16))
                .containsEntry("expiresAt", null).containsKeys("id", "createdAt");
        Api.Response listed = owner.get(tokens(accountId));
        assertThat(listed.body()).doesNotContain(secret).doesNotContain(secret.substring(16));
        assertThat(listed.list()).singleElement().satisfies(t -> assertThat(t)
                .containsEntry("prefix", secret.substring(0, 16)).containsEntry("lastUsedAt", null)
                .doesNotContainKey("token"));
        assertThat(owner.get(accounts()).list()).anySatisfy(a -> assertThat(a).containsEntry("id", accountId));
        assertThat(audit.findByTargetIdOrderById(accountId)).extracting(e -> e.action())
                .containsExactly("service-account.create", "service-account.token.create");
        assertThat(audit.findByTargetIdOrderById(accountId)).allSatisfy(e ->
                assertThat(e.actorUserId()).isEqualTo(tenant.user().id()));
    }

    @Test
    void aTokenReadsItsOrganizationAndRecordsItsLastUseAtMostOnceAMinute() {
        Api.ServiceAccount robot = owner.serviceAccount(orgId, "VIEWER");

        Api.Response projects = robot.client().get("/api/v1/organizations/" + orgId + "/projects");
        Api.Response organizations = robot.client().get("/api/v1/organizations");

        assertThat(projects.status()).as(projects.body()).isEqualTo(200);
        assertThat(projects.list()).anySatisfy(p -> assertThat(p).containsEntry("id", projectId));
        assertThat(organizations.list()).singleElement().satisfies(o -> assertThat(o)
                .containsEntry("id", orgId).containsEntry("role", "VIEWER"));
        Object lastUsed = owner.get(tokens(robot.id())).list().getFirst().get("lastUsedAt");
        assertThat(lastUsed).isNotNull();
        assertThat(robot.client().get("/api/v1/organizations/" + orgId + "/quotas").status()).isEqualTo(200);
        assertThat(owner.get(tokens(robot.id())).list().getFirst().get("lastUsedAt"))
                .as("written at most once a minute").isEqualTo(lastUsed);
    }

    @Test
    void aViewerTokenCannotWriteAndAMemberTokenCreatesAModel() {
        Api viewer = owner.serviceAccount(orgId, "VIEWER").client();
        Api member = owner.serviceAccount(orgId, "MEMBER").client();
        String models = "/api/v1/projects/" + projectId + "/models";

        Api.Response refused = viewer.post(models, Map.of("name", unique("viewer")));
        Api.Response noDeployment = viewer.post("/api/v1/projects/" + projectId + "/deployments",
                Map.of("name", unique("viewer"), "modelVersionId", UUID.randomUUID().toString()));
        Api.Response created = member.post(models, Map.of("name", unique("member")));

        assertThat(List.of(refused, noDeployment)).allSatisfy(r -> {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.map()).containsEntry("error", "Forbidden");
        });
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(audit.findByTargetIdOrderById(created.get("id"))).singleElement()
                .satisfies(e -> assertThat(e.actor()).startsWith("service account robot-"));
    }

    @Test
    void anotherOrganizationsResourcesAreUnknownToAToken() {
        Api robot = owner.serviceAccount(orgId, "ADMIN").client();
        Tenants.Tenant other = tenants.create(Role.OWNER);

        assertThat(robot.get("/api/v1/organizations/" + other.organization().id() + "/projects").status())
                .isEqualTo(404);
        assertThat(robot.get("/api/v1/projects/" + other.project().id()).status()).isEqualTo(404);
        assertThat(robot.get("/api/v1/organizations/" + other.organization().id()).status()).isEqualTo(404);
        assertThat(robot.get("/api/v1/projects/" + other.project().id() + "/keys").status()).isEqualTo(404);
        assertThat(robot.get("/api/v1/organizations/" + other.organization().id() + "/quotas").status())
                .isEqualTo(404);
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceAndTheAccountsOtherTokensStillWork() {
        Api.ServiceAccount robot = owner.serviceAccount(orgId, "VIEWER");
        String second = owner.post(tokens(robot.id()), Map.of("name", "second")).get("token");
        assertThat(robot.client().get(projects()).status()).isEqualTo(200);

        Api.Response revoked = owner.delete(tokens(robot.id()) + "/" + robot.tokenId());

        assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);
        Api.Response refused = robot.client().get(projects());
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.map()).containsEntry("status", 401).containsKeys("error", "message");
        assertThat(anonymous.as(second).get(projects()).status()).isEqualTo(200);
        assertThat(owner.get(tokens(robot.id())).list()).extracting(t -> t.get("name")).containsExactly("second");
        assertThat(owner.delete(tokens(robot.id()) + "/" + robot.tokenId()).status()).isEqualTo(404);
        assertThat(audit.findByTargetIdOrderById(robot.id())).extracting(e -> e.action())
                .contains("service-account.token.revoke");
    }

    @Test
    void deletingTheAccountEndsAllItsTokens() {
        Api.ServiceAccount robot = owner.serviceAccount(orgId, "MEMBER");
        assertThat(robot.client().get(projects()).status()).isEqualTo(200);

        assertThat(owner.delete(accounts() + "/" + robot.id()).status()).isEqualTo(204);

        assertThat(robot.client().get(projects()).status()).isEqualTo(401);
        assertThat(owner.get(accounts()).list()).noneSatisfy(a -> assertThat(a).containsEntry("id", robot.id()));
        assertThat(owner.get(tokens(robot.id())).status()).isEqualTo(404);
        assertThat(audit.findByTargetIdOrderById(robot.id())).extracting(e -> e.action())
                .contains("service-account.delete");
    }

    @Test
    void anExpiredTokenIsRefused() {
        String accountId = owner.post(accounts(), Map.of("name", unique("short"), "role", "VIEWER")).get("id");
        String expiry = Instant.now().plusSeconds(1).toString();
        String token = owner.post(tokens(accountId), Map.of("name", "brief", "expiresAt", expiry)).get("token");
        Api robot = anonymous.as(token);

        await().atMost(Duration.ofSeconds(10)).until(() -> robot.get(projects()).status() == 401);

        Api.Response past = owner.post(tokens(accountId), Map.of("name", "old", "expiresAt", "2020-01-01T00:00:00Z"));
        assertThat(past.status()).isEqualTo(400);
        assertThat(locs(past)).containsExactly(List.of("body", "expiresAt"));
    }

    @Test
    void unknownMalformedAndForgedTokensAre401() {
        String forged = "kiln_sat_" + "A".repeat(43);
        for (String bearer : List.of(forged, "kiln_sat_short", "kiln_sat_" + "!".repeat(43))) {
            Api.Response r = anonymous.as(bearer).get(projects());
            assertThat(r.status()).as(bearer).isEqualTo(401);
        }
        assertThat(anonymous.get(accounts()).status()).isEqualTo(401);
    }

    @Test
    void aServiceAccountCannotManagePeopleOrganizationsOrServiceAccounts() {
        Api.ServiceAccount robot = owner.serviceAccount(orgId, "ADMIN");
        Api client = robot.client();
        String secondOrg = unique("org");

        List<Api.Response> refused = List.of(
                client.post(accounts(), Map.of("name", unique("child"), "role", "VIEWER")),
                client.post(tokens(robot.id()), Map.of("name", "more")),
                client.get(accounts()),
                client.delete(tokens(robot.id()) + "/" + robot.tokenId()),
                client.post("/api/v1/organizations", Map.of("name", secondOrg)),
                client.post("/api/v1/me/password", Map.of("currentPassword", "x", "newPassword", "long enough pw")),
                client.get("/api/v1/users"),
                client.post("/api/v1/organizations/" + orgId + "/invitations",
                        Map.of("email", "someone@example.com", "role", "ADMIN")),
                client.post("/api/v1/invitations/accept", Map.of("token", "whatever")),
                client.delete("/api/v1/organizations/" + orgId + "/members/" + tenant.user().id()));

        assertThat(refused).allSatisfy(r -> {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.map()).containsEntry("error", "Forbidden");
        });
        assertThat(owner.get(tokens(robot.id())).list()).hasSize(1);
        assertThat(owner.get("/api/v1/organizations/" + orgId + "/members").list())
                .anySatisfy(m -> assertThat(m).containsEntry("userId", tenant.user().id().toString()));
        assertThat(client.get("/api/v1/audit?organizationId=" + orgId).status()).isEqualTo(200);
        assertThat(client.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", unique("key")))
                .status()).isEqualTo(201);
    }

    @Test
    void onlyAdminsAndOwnersManageAccountsAndNeverAsOwnerOrForAnotherOrganization() {
        Api member = anonymous.login(tenants.user(tenant.organization().id(), Role.MEMBER).email(), Tenants.PASSWORD);
        Api orgAdmin = anonymous.login(tenants.user(tenant.organization().id(), Role.ADMIN).email(), Tenants.PASSWORD);
        Tenants.Tenant other = tenants.create(Role.OWNER);
        Api stranger = anonymous.login(other.user().email(), Tenants.PASSWORD);
        String accountId = owner.post(accounts(), Map.of("name", unique("mine"), "role", "VIEWER")).get("id");

        assertThat(member.post(accounts(), Map.of("name", unique("m"), "role", "VIEWER")).status()).isEqualTo(403);
        assertThat(member.get(accounts()).status()).isEqualTo(403);
        assertThat(member.post(tokens(accountId), Map.of("name", "t")).status()).isEqualTo(403);
        Api.Response asOwner = orgAdmin.post(accounts(), Map.of("name", unique("boss"), "role", "OWNER"));
        assertThat(asOwner.status()).isEqualTo(400);
        assertThat(locs(asOwner)).containsExactly(List.of("body", "role"));
        assertThat(owner.post(accounts(), Map.of("name", unique("boss"), "role", "OWNER")).status()).isEqualTo(400);
        assertThat(orgAdmin.post(accounts(), Map.of("name", unique("peer"), "role", "ADMIN")).status()).isEqualTo(201);
        assertThat(stranger.get(accounts()).status()).isEqualTo(404);
        assertThat(stranger.post(accounts(), Map.of("name", unique("x"), "role", "VIEWER")).status()).isEqualTo(404);
        assertThat(stranger.post(tokens(accountId), Map.of("name", "t")).status()).isEqualTo(404);
        assertThat(stranger.delete(accounts() + "/" + accountId).status()).isEqualTo(404);
        String strangersOrg = other.organization().id().toString();
        assertThat(stranger.delete("/api/v1/organizations/" + strangersOrg + "/service-accounts/" + accountId)
                .status()).isEqualTo(404);
        assertThat(owner.get(accounts()).list()).anySatisfy(a -> assertThat(a).containsEntry("id", accountId));
    }

    @Test
    void unknownFieldsEmptyNamesAndDuplicatesAreRefusedAndNothingIsWritten() {
        String name = unique("dup");
        Api.Response extra = owner.post(accounts(), Map.of("name", name, "role", "VIEWER", "password", "x"));
        Api.Response empty = owner.post(accounts(), Map.of("name", " ", "role", "VIEWER"));
        String accountId = owner.post(accounts(), Map.of("name", name, "role", "VIEWER")).get("id");
        Api.Response duplicate = owner.post(accounts(), Map.of("name", name, "role", "MEMBER"));
        Api.Response tokenExtra = owner.post(tokens(accountId), Map.of("name", "t", "scopes", List.of("all")));
        Api.Response tokenNameless = owner.post(tokens(accountId), Map.of());

        assertThat(extra.status()).isEqualTo(400);
        assertThat(locs(extra)).containsExactly(List.of("body", "password"));
        assertThat(locs(empty)).containsExactly(List.of("body", "name"));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(tokenExtra.status()).isEqualTo(400);
        assertThat(locs(tokenExtra)).containsExactly(List.of("body", "scopes"));
        assertThat(locs(tokenNameless)).containsExactly(List.of("body", "name"));
        assertThat(owner.get(accounts()).list()).filteredOn(a -> name.equals(a.get("name"))).hasSize(1);
        assertThat(owner.get(tokens(accountId)).list()).isEmpty();
    }

    private String accounts() {
        return "/api/v1/organizations/" + orgId + "/service-accounts";
    }

    private String tokens(String accountId) {
        return accounts() + "/" + accountId + "/tokens";
    }

    private String projects() {
        return "/api/v1/organizations/" + orgId + "/projects";
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @SuppressWarnings("unchecked")
    private static List<List<String>> locs(Api.Response r) {
        return ((List<Map<String, Object>>) r.map().get("detail")).stream()
                .map(d -> (List<String>) d.get("loc")).toList();
    }
}
