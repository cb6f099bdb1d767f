package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.audit.AuditEventRepository;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.Tenants;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class MembersTest extends ApiTest {

    @Inject
    Tenants tenants;
    @Inject
    AuditEventRepository audit;

    /** A fresh organization with a fresh user as its OWNER. */
    private record Org(String id, Api owner, User ownerUser) {
    }

    private Org newOrg() {
        Tenants.Tenant tenant = tenants.create(Role.OWNER);
        Api owner = anonymous.login(tenant.user().email(), Tenants.PASSWORD);
        return new Org(tenant.organization().id().toString(), owner, tenant.user());
    }

    private Api login(Org org, Role role) {
        return anonymous.login(tenants.user(UUID.fromString(org.id()), role).email(), Tenants.PASSWORD);
    }

    private static String email() {
        return "new-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void aBadEmailOrRoleOrAnyPasswordIs400NamingTheFieldAndInvitesNobody() {
        Org org = newOrg();
        String path = "/api/v1/organizations/" + org.id() + "/members";

        Api.Response withPassword = org.owner().post(path, Map.of("email", email(), "role", "MEMBER",
                "password", "chosen by the admin"));
        Api.Response badEmail = org.owner().post(path, Map.of("email", "not an email", "role", "MEMBER"));
        Api.Response badRole = org.owner().post(path, Map.of("email", email(), "role", "SUPERUSER"));

        assertThat(withPassword.status()).isEqualTo(400);
        assertThat(withPassword.body()).contains("\"loc\":[\"body\",\"password\"]");
        assertThat(badEmail.status()).isEqualTo(400);
        assertThat(badEmail.body()).contains("\"loc\":[\"body\",\"email\"]");
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.map()).containsEntry("error", "BadRequest");
        assertThat(org.owner().get("/api/v1/organizations/" + org.id() + "/invitations").list()).isEmpty();
    }

    @Test
    void theLastOwnerCanBeNeitherDemotedNorRemovedButOneOfTwoCan() {
        Org org = newOrg();
        String self = "/api/v1/organizations/" + org.id() + "/members/" + org.ownerUser().id();

        assertThat(org.owner().patch(self, Map.of("role", "ADMIN")).status()).isEqualTo(409);
        assertThat(org.owner().delete(self).status()).isEqualTo(409);

        String second = tenants.user(UUID.fromString(org.id()), Role.OWNER).id().toString();
        Api.Response demoted = org.owner().patch(self, Map.of("role", "ADMIN"));

        assertThat(demoted.status()).as(demoted.body()).isEqualTo(200);
        assertThat(demoted.map()).containsEntry("role", "ADMIN");
        assertThat(org.owner().delete("/api/v1/organizations/" + org.id() + "/members/" + second).status())
                .as("an ADMIN cannot remove an OWNER").isEqualTo(403);
        assertThat(audit.findByTargetIdOrderById(org.ownerUser().id().toString()))
                .anySatisfy(e -> assertThat(e.action()).isEqualTo("member.role_change"));
    }

    @Test
    void anAdminCannotMakeAnOwnerButCanManageMembers() {
        Org org = newOrg();
        Api orgAdmin = login(org, Role.ADMIN);
        String path = "/api/v1/organizations/" + org.id() + "/members";

        assertThat(orgAdmin.post(path, Map.of("email", email(), "role", "OWNER")).status()).isEqualTo(403);
        assertThat(orgAdmin.post(path, Map.of("email", email(), "role", "MEMBER")).status()).isEqualTo(201);
        String memberId = tenants.user(UUID.fromString(org.id()), Role.MEMBER).id().toString();
        assertThat(orgAdmin.patch(path + "/" + memberId, Map.of("role", "VIEWER")).map()).containsEntry("role", "VIEWER");
        assertThat(orgAdmin.patch(path + "/" + memberId, Map.of("role", "OWNER")).status()).isEqualTo(403);
        assertThat(orgAdmin.delete(path + "/" + memberId).status()).isEqualTo(204);
        assertThat(orgAdmin.delete(path + "/" + memberId).status()).isEqualTo(404);
    }

    @Test
    void membersAndViewersSeeTheListButCannotChangeIt() {
        Org org = newOrg();
        String path = "/api/v1/organizations/" + org.id() + "/members";
        for (Role role : new Role[]{Role.MEMBER, Role.VIEWER}) {
            User user = tenants.user(UUID.fromString(org.id()), role);
            Api api = anonymous.login(user.email(), Tenants.PASSWORD);

            assertThat(api.get(path).status()).isEqualTo(200);
            assertThat(api.post(path, Map.of("email", email(), "role", "VIEWER")).status()).isEqualTo(403);
            assertThat(api.patch(path + "/" + org.ownerUser().id(), Map.of("role", "VIEWER")).status()).isEqualTo(403);
            assertThat(api.delete(path + "/" + org.ownerUser().id()).status()).isEqualTo(403);
        }
    }

    @Test
    void aRemovedMemberLosesAccessAtOnceThoughTheirTokenIsStillValid() {
        Org org = newOrg();
        User user = tenants.user(UUID.fromString(org.id()), Role.MEMBER);
        Api member = anonymous.login(user.email(), Tenants.PASSWORD);
        String project = org.owner().post("/api/v1/organizations/" + org.id() + "/projects", Map.of("name", "p"))
                .get("id");
        assertThat(member.get("/api/v1/projects/" + project).status()).isEqualTo(200);

        assertThat(org.owner().delete("/api/v1/organizations/" + org.id() + "/members/" + user.id()).status())
                .isEqualTo(204);

        assertThat(member.get("/api/v1/projects/" + project).status()).isEqualTo(404);
        assertThat(member.get("/api/v1/organizations/" + org.id()).status()).isEqualTo(404);
        assertThat(member.get("/api/v1/me").status()).as("the token itself still works").isEqualTo(200);
    }

    @Test
    void projectsAreCreatedRenamedAndDeletedByAdminsAndEachChangeIsAudited() {
        Org org = newOrg();
        Api.Response created = org.owner().post("/api/v1/organizations/" + org.id() + "/projects",
                Map.of("name", "vision", "defaultRateLimitPerSecond", 20));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.get("id");

        Api.Response renamed = org.owner().patch("/api/v1/projects/" + id, Map.of("name", "vision-2"));
        Api.Response duplicate = org.owner().post("/api/v1/organizations/" + org.id() + "/projects",
                Map.of("name", "vision-2"));
        Api.Response badLimit = org.owner().patch("/api/v1/projects/" + id, Map.of("defaultRateLimitPerSecond", 0));
        Api.Response deleted = org.owner().delete("/api/v1/projects/" + id);

        assertThat(renamed.map()).containsEntry("name", "vision-2").containsEntry("defaultRateLimitPerSecond", 20);
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(org.owner().get("/api/v1/projects/" + id).status()).isEqualTo(404);
        assertThat(audit.findByTargetIdOrderById(id)).extracting(e -> e.action())
                .containsExactly("project.create", "project.update", "project.delete");
    }

    @Test
    void aMemberCannotCreateChangeOrDeleteProjects() {
        Org org = newOrg();
        String id = org.owner().post("/api/v1/organizations/" + org.id() + "/projects", Map.of("name", "kept")).get("id");
        Api member = anonymous.login(tenants.user(UUID.fromString(org.id()), Role.MEMBER).email(), Tenants.PASSWORD);

        assertThat(member.post("/api/v1/organizations/" + org.id() + "/projects", Map.of("name", "x")).status())
                .isEqualTo(403);
        assertThat(member.patch("/api/v1/projects/" + id, Map.of("name", "y")).status()).isEqualTo(403);
        assertThat(member.delete("/api/v1/projects/" + id).status()).isEqualTo(403);
    }
}
