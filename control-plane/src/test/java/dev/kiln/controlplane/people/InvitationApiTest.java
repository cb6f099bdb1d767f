package dev.kiln.controlplane.people;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Invitations without SMTP: nothing is mailed, existing accounts see and accept them in the dashboard. */
@MicronautTest(transactional = false)
class InvitationApiTest extends ApiTest {

    @Inject
    Tenants tenants;
    @Inject
    UserRepository users;

    private static String email() {
        return "invitee-" + UUID.randomUUID() + "@example.com";
    }

    private Api login(User user) {
        return anonymous.login(user.email(), Tenants.PASSWORD);
    }

    @Test
    void addingAMemberMakesAPendingInvitationAndNoAccount() {
        Tenants.Tenant org = tenants.create(Role.OWNER);
        String email = email();

        Api.Response added = login(org.user()).post("/api/v1/organizations/" + org.organization().id() + "/members",
                Map.of("email", email, "role", "MEMBER"));

        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.map()).containsEntry("email", email).containsEntry("role", "MEMBER")
                .containsEntry("status", "PENDING").containsEntry("delivery", "none")
                .containsEntry("organizationName", org.organization().name())
                .containsKeys("id", "organizationId", "expiresAt", "createdAt");
        assertThat(users.findByEmailIgnoreCase(email)).isEmpty();
        assertThat(login(org.user()).get("/api/v1/organizations/" + org.organization().id() + "/invitations").list())
                .extracting(i -> i.get("email")).containsExactly(email);
    }

    @Test
    void aSignedInUserWhoIsNotAnOperatorCannotStartAnOrganizationToInviteFrom() {
        User someone = tenants.create(Role.VIEWER).user();

        Api.Response created = login(someone).post("/api/v1/organizations", Map.of("name", "Mine"));

        assertThat(created.status()).isEqualTo(403);
        assertThat(created.map()).containsEntry("error", "Forbidden");
    }

    @Test
    void anExistingAccountJoinsOnlyByAcceptingItsOwnInvitationOnce() {
        Tenants.Tenant org = tenants.create(Role.OWNER);
        User invitee = tenants.create(Role.OWNER).user();
        User stranger = tenants.create(Role.OWNER).user();
        String invitationId = login(org.user()).post("/api/v1/organizations/" + org.organization().id()
                + "/invitations", Map.of("email", invitee.email().toUpperCase(), "role", "ADMIN")).get("id");

        assertThat(login(invitee).get("/api/v1/organizations/" + org.organization().id()).status())
                .as("invited is not joined").isEqualTo(404);
        assertThat(login(invitee).get("/api/v1/me/invitations").list())
                .extracting(i -> i.get("id")).containsExactly(invitationId);
        assertThat(login(stranger).get("/api/v1/me/invitations").list()).isEmpty();
        assertThat(login(stranger).post("/api/v1/me/invitations/" + invitationId + "/accept", Map.of()).status())
                .isEqualTo(404);

        Api.Response joined = login(invitee).post("/api/v1/me/invitations/" + invitationId + "/accept", Map.of());

        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
        assertThat(joined.map()).containsEntry("organizationId", org.organization().id().toString())
                .containsEntry("role", "ADMIN").containsEntry("userId", invitee.id().toString());
        assertThat(login(invitee).get("/api/v1/organizations/" + org.organization().id()).map())
                .containsEntry("role", "ADMIN");
        assertThat(login(invitee).post("/api/v1/me/invitations/" + invitationId + "/accept", Map.of()).status())
                .isEqualTo(404);
        assertThat(login(invitee).get("/api/v1/me/invitations").list()).isEmpty();
    }

    @Test
    void aDeclinedOrRevokedInvitationCanNoLongerBeAccepted() {
        Tenants.Tenant org = tenants.create(Role.OWNER);
        User invitee = tenants.create(Role.OWNER).user();
        String path = "/api/v1/organizations/" + org.organization().id() + "/invitations";
        String declined = login(org.user()).post(path, Map.of("email", invitee.email(), "role", "VIEWER")).get("id");

        assertThat(login(invitee).post("/api/v1/me/invitations/" + declined + "/decline", Map.of()).status())
                .isEqualTo(204);
        assertThat(login(invitee).post("/api/v1/me/invitations/" + declined + "/accept", Map.of()).status())
                .isEqualTo(404);

        String revoked = login(org.user()).post(path, Map.of("email", invitee.email(), "role", "VIEWER")).get("id");
        assertThat(login(org.user()).delete(path + "/" + revoked).status()).isEqualTo(204);
        assertThat(login(org.user()).delete(path + "/" + revoked).status()).isEqualTo(404);
        assertThat(login(org.user()).get(path).list()).isEmpty();
        assertThat(login(invitee).post("/api/v1/me/invitations/" + revoked + "/accept", Map.of()).status())
                .isEqualTo(404);
        assertThat(login(invitee).get("/api/v1/organizations/" + org.organization().id()).status()).isEqualTo(404);
    }

    @Test
    void anonymousCallersLowRolesAndOtherTenantsCannotInviteOrSeeInvitations() {
        Tenants.Tenant org = tenants.create(Role.OWNER);
        String path = "/api/v1/organizations/" + org.organization().id() + "/invitations";
        String id = login(org.user()).post(path, Map.of("email", email(), "role", "VIEWER")).get("id");
        Api otherTenantOwner = login(tenants.create(Role.OWNER).user());

        assertThat(anonymous.post(path, Map.of("email", email(), "role", "VIEWER")).status()).isEqualTo(401);
        assertThat(anonymous.get(path).status()).isEqualTo(401);
        for (Role role : new Role[]{Role.VIEWER, Role.MEMBER}) {
            Api low = login(tenants.user(org.organization().id(), role));
            assertThat(low.post(path, Map.of("email", email(), "role", "VIEWER")).status()).isEqualTo(403);
            assertThat(low.get(path).status()).isEqualTo(403);
            assertThat(low.delete(path + "/" + id).status()).isEqualTo(403);
        }
        assertThat(otherTenantOwner.post(path, Map.of("email", email(), "role", "VIEWER")).status()).isEqualTo(404);
        assertThat(otherTenantOwner.get(path).status()).isEqualTo(404);
        assertThat(otherTenantOwner.delete(path + "/" + id).status()).isEqualTo(404);
        Api orgAdmin = login(tenants.user(org.organization().id(), Role.ADMIN));
        assertThat(orgAdmin.post(path, Map.of("email", email(), "role", "OWNER")).status()).isEqualTo(403);
        assertThat(login(org.user()).get(path).list()).extracting(i -> i.get("id")).containsExactly(id);
    }

    @Test
    void unknownFieldsAndBadValuesAre400NamingTheField() {
        Tenants.Tenant org = tenants.create(Role.OWNER);
        String path = "/api/v1/organizations/" + org.organization().id() + "/invitations";

        Api.Response unknown = login(org.user()).post(path, Map.of("email", email(), "role", "VIEWER",
                "password", "chosen by the admin"));
        Api.Response noRole = login(org.user()).post(path, Map.of("email", email()));

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("\"loc\":[\"body\",\"password\"]");
        assertThat(noRole.status()).isEqualTo(400);
        assertThat(noRole.body()).contains("\"loc\":[\"body\",\"role\"]");
        assertThat(login(org.user()).get(path).list()).isEmpty();
    }

    @Test
    void unknownTokensArePreviewedAndAcceptedAsNothing() {
        Api.Response preview = anonymous.post("/api/v1/invitations/preview", Map.of("token", "no-such-token"));
        Api.Response accept = anonymous.post("/api/v1/invitations/accept",
                Map.of("token", "no-such-token", "password", "a long enough password"));

        assertThat(preview.status()).isEqualTo(404);
        assertThat(accept.status()).isEqualTo(404);
        assertThat(anonymous.post("/api/v1/invitations/preview", Map.of()).status()).isEqualTo(404);
    }
}
