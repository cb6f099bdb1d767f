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

    /** A fresh organization created through the API by a fresh user, who is its OWNER. */
    private record Org(String id, Api owner, User ownerUser) {
    }

    private Org newOrg() {
        User user = tenants.create(Role.VIEWER).user();
        Api owner = anonymous.login(user.email(), Tenants.PASSWORD);
        Api.Response created = owner.post("/api/v1/organizations", Map.of("name", "Acme " + UUID.randomUUID()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.map()).containsEntry("role", "OWNER");
        return new Org(created.get("id"), owner, user);
    }

    private static String email() {
        return "new-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void anAdminAddsANewUserWhoCanThenLogInWithTheGivenPassword() {
        Org org = newOrg();
        String email = email();

        Api.Response added = org.owner().post("/api/v1/organizations/" + org.id() + "/members",
                Map.of("email", email, "role", "MEMBER", "password", "a fine password"));

        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.map()).containsEntry("email", email).containsEntry("role", "MEMBER")
                .containsEntry("organizationId", org.id()).containsKey("userId");
        Api member = anonymous.login(email, "a fine password");
        assertThat(member.get("/api/v1/organizations/" + org.id()).map()).containsEntry("role", "MEMBER");
        assertThat(org.owner().get("/api/v1/organizations/" + org.id() + "/members").list())
                .extracting(m -> m.get("email")).contains(email, org.ownerUser().email());
        assertThat(audit.findByTargetIdOrderById(added.get("userId")))
                .anySatisfy(e -> assertThat(e.action()).isEqualTo("member.add"))
                .allSatisfy(e -> assertThat(e.detail()).doesNotContain("a fine password"));
    }

    @Test
    void anExistingUserIsLinkedWithoutChangingTheirPassword() {
        Org org = newOrg();
        User existing = tenants.create(Role.OWNER).user();

        Api.Response added = org.owner().post("/api/v1/organizations/" + org.id() + "/members",
                Map.of("email", existing.email().toUpperCase(), "role", "VIEWER", "password", "ignored password"));

        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.get("userId")).isEqualTo(existing.id().toString());
        assertThat(anonymous.login(existing.email(), Tenants.PASSWORD).get("/api/v1/organizations").list()).hasSize(2);
        assertThat(org.owner().post("/api/v1/organizations/" + org.id() + "/members",
                Map.of("email", existing.email(), "role", "VIEWER")).status()).isEqualTo(409);
    }

    @Test
    void aNewUserWithoutAPasswordOrABadEmailOrRoleIs400NamingTheField() {
        Org org = newOrg();
        String path = "/api/v1/organizations/" + org.id() + "/members";

        Api.Response noPassword = org.owner().post(path, Map.of("email", email(), "role", "MEMBER"));
        Api.Response badEmail = org.owner().post(path, Map.of("email", "not an email", "role", "MEMBER"));
        Api.Response badRole = org.owner().post(path, Map.of("email", email(), "role", "SUPERUSER", "password", "x".repeat(10)));

        assertThat(noPassword.status()).isEqualTo(400);
        assertThat(noPassword.body()).contains("\"loc\":[\"body\",\"password\"]");
        assertThat(badEmail.status()).isEqualTo(400);
        assertThat(badEmail.body()).contains("\"loc\":[\"body\",\"email\"]");
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.map()).containsEntry("error", "BadRequest");
    }

    @Test
    void theLastOwnerCanBeNeitherDemotedNorRemovedButOneOfTwoCan() {
        Org org = newOrg();
        String self = "/api/v1/organizations/" + org.id() + "/members/" + org.ownerUser().id();

        assertThat(org.owner().patch(self, Map.of("role", "ADMIN")).status()).isEqualTo(409);
        assertThat(org.owner().delete(self).status()).isEqualTo(409);

        String second = org.owner().post("/api/v1/organizations/" + org.id() + "/members",
                Map.of("email", email(), "role", "OWNER", "password", "second owner pw")).get("userId");
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
        String adminEmail = email();
        org.owner().post("/api/v1/organizations/" + org.id() + "/members",
                Map.of("email", adminEmail, "role", "ADMIN", "password", "admin password"));
        Api orgAdmin = anonymous.login(adminEmail, "admin password");
        String path = "/api/v1/organizations/" + org.id() + "/members";

        assertThat(orgAdmin.post(path, Map.of("email", email(), "role", "OWNER", "password", "p".repeat(10))).status())
                .isEqualTo(403);
        String memberId = orgAdmin.post(path, Map.of("email", email(), "role", "MEMBER", "password", "p".repeat(10)))
                .get("userId");
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
            assertThat(api.post(path, Map.of("email", email(), "role", "VIEWER", "password", "p".repeat(10))).status())
                    .isEqualTo(403);
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
