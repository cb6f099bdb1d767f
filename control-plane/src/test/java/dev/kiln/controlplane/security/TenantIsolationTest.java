package dev.kiln.controlplane.security;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.SampleModels;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The security suite of issue 4 on real Postgres: one fully populated tenant (the bootstrap organization with a
 * project, model, version, deployment, key and members) against a stranger who owns another organization, and the
 * role matrix inside one organization.
 */
@MicronautTest(transactional = false)
class TenantIsolationTest extends ApiTest {

    @Inject
    Tenants tenants;

    String orgId;
    String projectId;
    String modelId;
    String versionId;
    String deploymentId;
    String deploymentName;
    String keyId;
    String memberId;
    Tenants.Tenant strangerTenant;
    Api stranger;

    @BeforeAll
    void populate() {
        clients();
        projectId = defaultProjectId();
        orgId = admin.get("/api/v1/projects/" + projectId).get("organizationId");
        modelId = admin.post("/api/v1/projects/" + projectId + "/models", Map.of("name", "iso-" + UUID.randomUUID()))
                .get("id");
        Api.Response version = admin.upload("/api/v1/models/" + modelId + "/versions",
                SampleModels.path("ssdlite320_mobilenet_v3.onnx"), Map.of());
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        versionId = version.get("id");
        deploymentName = "iso-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Response deployment = admin.post("/api/v1/projects/" + projectId + "/deployments",
                Map.of("name", deploymentName, "modelVersionId", versionId));
        assertThat(deployment.status()).as(deployment.body()).isEqualTo(201);
        deploymentId = deployment.get("id");
        keyId = admin.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "iso")).get("id");
        memberId = tenants.user(UUID.fromString(orgId), Role.MEMBER).id().toString();
        strangerTenant = tenants.create(Role.OWNER);
        stranger = anonymous.login(strangerTenant.user().email(), Tenants.PASSWORD);
    }

    /** One request against one resource id; the same request with a random id is the control. */
    private record Probe(String what, Function<String, Api.Response> call, String id) {
    }

    private List<Probe> probes(Api api) {
        Map<String, Object> anyBody = Map.of("name", "x", "role", "VIEWER", "email", "x@example.com",
                "password", "longenough", "modelVersionId", UUID.randomUUID().toString(), "graceSeconds", 0,
                "instances", 2);
        List<Probe> probes = new ArrayList<>();
        probes.add(new Probe("organization", id -> api.get("/api/v1/organizations/" + id), orgId));
        probes.add(new Probe("organization projects", id -> api.get("/api/v1/organizations/" + id + "/projects"), orgId));
        probes.add(new Probe("create project", id -> api.post("/api/v1/organizations/" + id + "/projects", anyBody), orgId));
        probes.add(new Probe("members", id -> api.get("/api/v1/organizations/" + id + "/members"), orgId));
        // Invitations refuse unknown fields (400 before any lookup, the same for every organization): a valid body.
        probes.add(new Probe("add member", id -> api.post("/api/v1/organizations/" + id + "/members",
                Map.of("email", "probe@example.com", "role", "VIEWER")), orgId));
        probes.add(new Probe("change member", id -> api.patch("/api/v1/organizations/" + id + "/members/" + memberId,
                Map.of("role", "VIEWER")), orgId));
        probes.add(new Probe("remove member", id -> api.delete("/api/v1/organizations/" + id + "/members/" + memberId), orgId));
        probes.add(new Probe("audit", id -> api.get("/api/v1/audit?organizationId=" + id), orgId));
        probes.add(new Probe("audit by project", id -> api.get("/api/v1/audit?organizationId="
                + strangerTenant.organization().id() + "&projectId=" + id), projectId));
        probes.add(new Probe("project", id -> api.get("/api/v1/projects/" + id), projectId));
        probes.add(new Probe("change project", id -> api.patch("/api/v1/projects/" + id, Map.of("name", "taken")), projectId));
        probes.add(new Probe("delete project", id -> api.delete("/api/v1/projects/" + id), projectId));
        probes.add(new Probe("models", id -> api.get("/api/v1/projects/" + id + "/models"), projectId));
        probes.add(new Probe("create model", id -> api.post("/api/v1/projects/" + id + "/models", anyBody), projectId));
        probes.add(new Probe("model", id -> api.get("/api/v1/models/" + id), modelId));
        probes.add(new Probe("version", id -> api.get("/api/v1/model-versions/" + id), versionId));
        probes.add(new Probe("deployments", id -> api.get("/api/v1/projects/" + id + "/deployments"), projectId));
        probes.add(new Probe("create deployment", id -> api.post("/api/v1/projects/" + id + "/deployments", anyBody), projectId));
        probes.add(new Probe("deployment", id -> api.get("/api/v1/deployments/" + id), deploymentId));
        probes.add(new Probe("change deployment", id -> api.patch("/api/v1/deployments/" + id, Map.of("instances", 2)), deploymentId));
        probes.add(new Probe("delete deployment", id -> api.delete("/api/v1/deployments/" + id + "?confirm=" + deploymentName), deploymentId));
        probes.add(new Probe("instances", id -> api.get("/api/v1/deployments/" + id + "/instances"), deploymentId));
        probes.add(new Probe("keys", id -> api.get("/api/v1/projects/" + id + "/keys"), projectId));
        probes.add(new Probe("create key", id -> api.post("/api/v1/projects/" + id + "/keys", anyBody), projectId));
        probes.add(new Probe("rotate key", id -> api.post("/api/v1/keys/" + id + "/rotate", anyBody), keyId));
        probes.add(new Probe("revoke key", id -> api.delete("/api/v1/keys/" + id), keyId));
        return probes;
    }

    @Test
    void everyResourceOfAnotherOrganizationIs404ExactlyLikeAResourceThatDoesNotExist() {
        for (Probe probe : probes(stranger)) {
            Api.Response real = probe.call().apply(probe.id());
            Api.Response missing = probe.call().apply(UUID.randomUUID().toString());

            assertThat(real.status()).as(probe.what() + ": " + real.body()).isEqualTo(404);
            assertThat(real.map()).as(probe.what()).containsEntry("error", "NotFound");
            assertThat(missing.status()).as(probe.what() + " (random id)").isEqualTo(404);
        }
        // Nothing changed on the owner's side.
        assertThat(admin.get("/api/v1/deployments/" + deploymentId).map()).containsEntry("instances", 1);
        assertThat(admin.get("/api/v1/projects/" + projectId + "/keys").list())
                .anySatisfy(k -> assertThat(k).containsEntry("id", keyId).containsEntry("status", "ACTIVE"));
        assertThat(admin.get("/api/v1/organizations/" + orgId + "/members").list())
                .anySatisfy(m -> assertThat(m).containsEntry("userId", memberId).containsEntry("role", "MEMBER"));
        assertThat(stranger.get("/api/v1/organizations").list()).extracting(o -> o.get("id"))
                .containsExactly(strangerTenant.organization().id().toString());
    }

    private Api as(Role role) {
        return anonymous.login(tenants.user(UUID.fromString(orgId), role).email(), Tenants.PASSWORD);
    }

    @Test
    void aViewerReadsEverythingAndChangesNothing() {
        Api viewer = as(Role.VIEWER);

        for (String path : List.of("/api/v1/organizations/" + orgId, "/api/v1/organizations/" + orgId + "/members",
                "/api/v1/projects/" + projectId, "/api/v1/projects/" + projectId + "/models", "/api/v1/models/" + modelId,
                "/api/v1/model-versions/" + versionId, "/api/v1/projects/" + projectId + "/deployments",
                "/api/v1/deployments/" + deploymentId, "/api/v1/deployments/" + deploymentId + "/instances",
                "/api/v1/projects/" + projectId + "/keys")) {
            assertThat(viewer.get(path).status()).as(path).isEqualTo(200);
        }
        assertThat(viewer.post("/api/v1/projects/" + projectId + "/models", Map.of("name", "v")).status()).isEqualTo(403);
        assertThat(viewer.post("/api/v1/projects/" + projectId + "/deployments",
                Map.of("name", "v", "modelVersionId", versionId)).status()).isEqualTo(403);
        assertThat(viewer.patch("/api/v1/deployments/" + deploymentId, Map.of("instances", 2)).status()).isEqualTo(403);
        assertThat(viewer.delete("/api/v1/deployments/" + deploymentId + "?confirm=" + deploymentName).status())
                .isEqualTo(403);
        assertThat(viewer.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "v")).status()).isEqualTo(403);
        assertThat(viewer.patch("/api/v1/projects/" + projectId, Map.of("name", "v")).status()).isEqualTo(403);
        assertThat(viewer.get("/api/v1/audit?organizationId=" + orgId).status()).isEqualTo(403);
    }

    @Test
    void aMemberManagesModelsAndDeploymentsButNotKeysMembersProjectsOrAudit() {
        Api member = as(Role.MEMBER);

        Api.Response model = member.post("/api/v1/projects/" + projectId + "/models", Map.of("name", "m-" + UUID.randomUUID()));
        String name = "m-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Response deployment = member.post("/api/v1/projects/" + projectId + "/deployments",
                Map.of("name", name, "modelVersionId", versionId));

        assertThat(model.status()).as(model.body()).isEqualTo(201);
        assertThat(deployment.status()).as(deployment.body()).isEqualTo(201);
        assertThat(member.patch("/api/v1/deployments/" + deployment.get("id"), Map.of("instances", 2)).status())
                .isEqualTo(200);
        assertThat(member.delete("/api/v1/deployments/" + deployment.get("id") + "?confirm=" + name).status())
                .isBetween(200, 204);
        assertThat(member.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "m")).status()).isEqualTo(403);
        assertThat(member.post("/api/v1/keys/" + keyId + "/rotate", Map.of("graceSeconds", 0)).status()).isEqualTo(403);
        assertThat(member.delete("/api/v1/keys/" + keyId).status()).isEqualTo(403);
        assertThat(member.post("/api/v1/organizations/" + orgId + "/members",
                Map.of("email", "m@example.com", "role", "VIEWER")).status()).isEqualTo(403);
        assertThat(member.post("/api/v1/organizations/" + orgId + "/projects", Map.of("name", "m")).status()).isEqualTo(403);
        assertThat(member.get("/api/v1/audit?organizationId=" + orgId).status()).isEqualTo(403);
    }

    @Test
    void anAdminManagesKeysMembersProjectsAndReadsTheAudit() {
        Api orgAdmin = as(Role.ADMIN);

        Api.Response key = orgAdmin.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "by-admin"));
        Api.Response member = orgAdmin.post("/api/v1/organizations/" + orgId + "/members",
                Map.of("email", "a-" + UUID.randomUUID() + "@example.com", "role", "VIEWER"));
        Api.Response project = orgAdmin.post("/api/v1/organizations/" + orgId + "/projects",
                Map.of("name", "admin-" + UUID.randomUUID()));

        assertThat(key.status()).isEqualTo(201);
        assertThat(orgAdmin.post("/api/v1/keys/" + key.get("id") + "/rotate", Map.of("graceSeconds", 0)).status())
                .isEqualTo(200);
        assertThat(orgAdmin.delete("/api/v1/keys/" + key.get("id")).status()).isEqualTo(204);
        assertThat(member.status()).isEqualTo(201);
        assertThat(project.status()).isEqualTo(201);
        assertThat(orgAdmin.delete("/api/v1/projects/" + project.get("id")).status()).isEqualTo(204);
        assertThat(orgAdmin.get("/api/v1/audit?organizationId=" + orgId).status()).isEqualTo(200);
    }

    @Test
    void aProjectWithDeploymentsCannotBeDeleted() {
        Api.Response r = admin.delete("/api/v1/projects/" + projectId);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.map()).containsEntry("error", "Conflict");
    }

    @Test
    void sqlLookingNamesAreStoredVerbatimAndOverlongNamesAre400NeverA500() {
        String sql = "Robert'); DROP TABLE projects;-- \" OR 1=1 /*";
        String longName = "n".repeat(10_000);

        Api.Response project = admin.post("/api/v1/organizations/" + orgId + "/projects", Map.of("name", sql));
        Api.Response model = admin.post("/api/v1/projects/" + projectId + "/models", Map.of("name", sql));
        Api.Response key = admin.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", sql));
        Api.Response org = admin.post("/api/v1/organizations", Map.of("name", sql));

        assertThat(project.status()).as(project.body()).isEqualTo(201);
        assertThat(admin.get("/api/v1/projects/" + project.get("id")).get("name")).isEqualTo(sql);
        assertThat(model.status()).as(model.body()).isEqualTo(201);
        assertThat(model.get("name")).isEqualTo(sql);
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        assertThat(key.get("name")).isEqualTo(sql);
        assertThat(org.status()).isEqualTo(201);
        assertThat(org.get("name")).isEqualTo(sql);
        admin.delete("/api/v1/keys/" + key.get("id"));

        for (Api.Response r : List.of(
                admin.post("/api/v1/organizations", Map.of("name", longName)),
                admin.post("/api/v1/organizations/" + orgId + "/projects", Map.of("name", longName)),
                admin.patch("/api/v1/projects/" + project.get("id"), Map.of("name", longName)),
                admin.post("/api/v1/projects/" + projectId + "/models", Map.of("name", longName)),
                admin.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", longName)),
                admin.post("/api/v1/projects/" + projectId + "/deployments",
                        Map.of("name", longName, "modelVersionId", versionId)),
                admin.post("/api/v1/organizations/" + orgId + "/members",
                        Map.of("email", longName + "@example.com", "role", "VIEWER")))) {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.map()).containsEntry("error", "BadRequest");
        }
    }
}
