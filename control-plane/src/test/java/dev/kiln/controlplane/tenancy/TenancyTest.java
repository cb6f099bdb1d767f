package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.Tenants;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class TenancyTest extends ApiTest {

    @Inject
    Tenants tenants;
    @Inject
    Bootstrap bootstrap;
    @Inject
    UserRepository users;

    @Test
    void theBootstrapAdminSeesTheDefaultOrganizationAndProject() {
        Api.Response orgs = admin.get("/api/v1/organizations");

        assertThat(orgs.status()).isEqualTo(200);
        assertThat(orgs.list()).anySatisfy(o -> assertThat(o).containsEntry("name", "Default").containsEntry("role", "OWNER"));
        Api.Response project = admin.get("/api/v1/projects/" + defaultProjectId());
        assertThat(project.status()).isEqualTo(200);
        assertThat(project.map()).containsEntry("name", "Default").containsKey("organizationId");
    }

    @Test
    void bootstrapRunsOnlyOnce() {
        long before = users.count();

        bootstrap.run();

        assertThat(users.count()).isEqualTo(before);
    }

    @Test
    void anotherTenantsProjectAndOrganizationAre404NotForbidden() {
        Tenants.Tenant other = tenants.create(Role.OWNER);

        Api.Response project = admin.get("/api/v1/projects/" + other.project().id());
        Api.Response org = admin.get("/api/v1/organizations/" + other.organization().id());
        Api.Response projects = admin.get("/api/v1/organizations/" + other.organization().id() + "/projects");

        assertThat(project.status()).isEqualTo(404);
        assertThat(project.map()).containsEntry("error", "NotFound");
        assertThat(org.status()).isEqualTo(404);
        assertThat(projects.status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/organizations").list())
                .noneSatisfy(o -> assertThat(o.get("id")).isEqualTo(other.organization().id().toString()));
    }

    @Test
    void aUserOfAnotherTenantCannotSeeTheDefaultProject() {
        Tenants.Tenant other = tenants.create(Role.OWNER);
        Api stranger = anonymous.login(other.user().email(), Tenants.PASSWORD);

        assertThat(stranger.get("/api/v1/projects/" + defaultProjectId()).status()).isEqualTo(404);
        assertThat(stranger.get("/api/v1/projects/" + defaultProjectId() + "/models").status()).isEqualTo(404);
        assertThat(stranger.get("/api/v1/projects/" + other.project().id()).status()).isEqualTo(200);
        assertThat(stranger.get("/api/v1/organizations").list()).hasSize(1);
    }

    @Test
    void aMalformedIdIs400WithTheErrorBody() {
        Api.Response r = admin.get("/api/v1/projects/not-a-uuid");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.map()).containsEntry("error", "BadRequest").containsKey("detail");
    }

    @Test
    void aMissingBodyFieldIsNamedInTheDetail() {
        Api.Response r = admin.post("/api/v1/projects/" + defaultProjectId() + "/models", Map.of("task", "nonsense"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("\"loc\":[\"body\",\"name\"]").contains("\"loc\":[\"body\",\"task\"]");
    }
}
