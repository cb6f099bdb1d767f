package dev.kiln.controlplane.audit;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class AuditApiTest extends ApiTest {

    @Inject
    Tenants tenants;
    @Inject
    AuditEventRepository events;

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Api.Response r) {
        return (List<Map<String, Object>>) r.map().get("items");
    }

    @Test
    void anOwnerReadsTheOrganizationsTrailNewestFirstInPagesAndFilteredByProject() {
        Tenants.Tenant t = tenants.create(Role.OWNER);
        Api owner = anonymous.login(t.user().email(), Tenants.PASSWORD);
        String org = t.organization().id().toString();
        String other = owner.post("/api/v1/organizations/" + org + "/projects", Map.of("name", "other")).get("id");
        for (int i = 0; i < 55; i++) {
            owner.post("/api/v1/projects/" + t.project().id() + "/keys", Map.of("name", "k" + i));
        }

        Api.Response first = owner.get("/api/v1/audit?organizationId=" + org);
        Api.Response second = owner.get("/api/v1/audit?organizationId=" + org + "&page=2");
        Api.Response byProject = owner.get("/api/v1/audit?organizationId=" + org + "&projectId=" + other);

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.map()).containsEntry("page", 1).containsEntry("pageSize", 50).containsEntry("hasMore", true);
        assertThat(items(first)).hasSize(50);
        assertThat(items(first).getFirst()).containsEntry("action", "key.create").containsEntry("actor", t.user().email())
                .containsEntry("organizationId", org).containsKeys("createdAt", "remoteAddress", "detail", "targetId");
        assertThat(((Map<?, ?>) items(first).getFirst().get("detail")).get("name")).isEqualTo("k54");
        assertThat(second.map()).containsEntry("page", 2).containsEntry("hasMore", false);
        assertThat(items(second)).extracting(e -> e.get("action")).contains("project.create");
        assertThat(items(byProject)).extracting(e -> e.get("action")).containsExactly("project.create");
    }

    @Test
    void theTrailIsForAdminsOfThatOrganizationOnly() {
        Tenants.Tenant t = tenants.create(Role.ADMIN);
        String org = t.organization().id().toString();
        Api orgAdmin = anonymous.login(t.user().email(), Tenants.PASSWORD);
        Api member = anonymous.login(tenants.user(t.organization().id(), Role.MEMBER).email(), Tenants.PASSWORD);

        assertThat(orgAdmin.get("/api/v1/audit?organizationId=" + org).status()).isEqualTo(200);
        assertThat(member.get("/api/v1/audit?organizationId=" + org).status()).isEqualTo(403);
        assertThat(admin.get("/api/v1/audit?organizationId=" + org).status()).isEqualTo(404);
        assertThat(orgAdmin.get("/api/v1/audit").status()).isEqualTo(400);
        assertThat(orgAdmin.get("/api/v1/audit?organizationId=" + org + "&page=0").status()).isEqualTo(400);
    }

    @Test
    void loginsAreAuditedWithTheAddressAndNoAuditRecordContainsASecretOrPassword() {
        Tenants.Tenant t = tenants.create(Role.OWNER);
        anonymous.post("/api/v1/auth/login", Map.of("username", t.user().email(), "password", "wrong-password-123"));
        Api owner = anonymous.login(t.user().email(), Tenants.PASSWORD);
        Api.Response created = owner.post("/api/v1/projects/" + t.project().id() + "/keys", Map.of("name", "s"));
        String rotated = owner.post("/api/v1/keys/" + created.get("id") + "/rotate", Map.of("graceSeconds", 5))
                .get("secret");
        owner.post("/api/v1/organizations/" + t.organization().id() + "/members",
                Map.of("email", "n-" + UUID.randomUUID() + "@example.com", "role", "VIEWER", "password", "member-password-456"));

        List<AuditEvent> all = new ArrayList<>();
        events.findAll().forEach(all::add);

        assertThat(events.findByTargetIdOrderById(t.user().id().toString())).extracting(AuditEvent::action)
                .contains("auth.login_failed", "auth.login");
        assertThat(events.findByTargetIdOrderById(t.user().id().toString()))
                .allSatisfy(e -> assertThat(e.remoteAddress()).isNotBlank());
        for (String secret : List.of(created.get("secret"), rotated, Tenants.PASSWORD, ADMIN_PASSWORD,
                "wrong-password-123", "member-password-456", JWT_SECRET)) {
            assertThat(all).noneSatisfy(e -> assertThat(e.detail() + e.actor() + e.targetId()).contains(secret));
        }
    }
}
