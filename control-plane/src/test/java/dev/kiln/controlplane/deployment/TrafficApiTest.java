package dev.kiln.controlplane.deployment;

import dev.kiln.controlplane.audit.AuditEventRepository;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.SampleModels;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The traffic list, history, rollback and promote of a deployment over the management API. */
@MicronautTest(transactional = false)
class TrafficApiTest extends ApiTest {

    @Inject
    Tenants tenants;
    @Inject
    AuditEventRepository audit;

    String projectId;
    String v1;
    String v2;
    String otherModelsVersion;

    @BeforeAll
    void models() {
        clients();
        projectId = defaultProjectId();
        String modelId = model("traffic-model");
        v1 = version(modelId, "mobilenet_v3_small.onnx");
        v2 = version(modelId, "mobilenet_v3_small.onnx");
        otherModelsVersion = version(model("traffic-other"), "mobilenet_v3_small.onnx");
    }

    @Test
    void aCanaryListIsStoredAndItsHeaviestVersionIsTheModelVersion() {
        Api.Response r = create(List.of(split(v1, 10, false), split(v2, 90, false)));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.map()).containsEntry("modelVersionId", v2);
        assertThat(r.map().get("traffic")).isEqualTo(List.of(split(v1, 10, false), split(v2, 90, false)));
    }

    @Test
    void withoutATrafficListTheSingleVersionTakesEverything() {
        Api.Response r = admin.post(deployments(), Map.of("name", unique("single"), "modelVersionId", v1));

        assertThat(r.map().get("traffic")).isEqualTo(List.of(split(v1, 100, false)));
    }

    @Test
    void badTrafficListsAre400NamingTheField() {
        List<Api.Response> refused = List.of(
                create(List.of(split(v1, 50, false), split(v2, 40, false))),
                create(List.of(split(v1, 100, false), split(v2, 10, true), split(otherModelsVersion, 5, true))),
                create(List.of(split(v1, 50, false), split(otherModelsVersion, 50, false))),
                create(List.of(split(v1, 100, false), split(v1, 10, true))),
                create(List.of(split(v1, 100, false), split(v2, 0, true))),
                create(List.of(Map.of("modelVersionId", v1, "weight", 100, "colour", "red"))));

        for (Api.Response r : refused.subList(0, refused.size() - 1)) {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("\"loc\":[\"body\",\"traffic\"]");
        }
        assertThat(refused.getLast().status()).isEqualTo(400);
        assertThat(refused.getLast().body()).contains("colour");
    }

    @Test
    void everyChangeIsANumberedGenerationAndRollbackAppliesAnOldOneAsANewOne() {
        String id = create(List.of(split(v1, 100, false))).get("id");
        Api.Response canary = admin.patch("/api/v1/deployments/" + id,
                Map.of("traffic", List.of(split(v1, 90, false), split(v2, 10, false)), "timeoutMs", 5000));
        assertThat(canary.status()).as(canary.body()).isEqualTo(200);

        Api.Response rollback = admin.post("/api/v1/deployments/" + id + "/rollback", Map.of("generation", 1));
        List<Map<String, Object>> history = admin.get("/api/v1/deployments/" + id + "/history").list();

        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        assertThat(rollback.map()).containsEntry("modelVersionId", v1).containsEntry("timeoutMs", 30000);
        assertThat(rollback.map().get("traffic")).isEqualTo(List.of(split(v1, 100, false)));
        assertThat(history).extracting(h -> h.get("generation")).containsExactly(3, 2, 1);
        assertThat(history).extracting(h -> h.get("action")).containsExactly("rollback", "update", "create");
        assertThat(history.get(1)).containsEntry("actor", "admin@kiln.local");
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = (Map<String, Object>) history.get(1).get("settings");
        assertThat(settings).containsEntry("timeoutMs", 5000).containsEntry("modelVersionId", v1);
        assertThat(audit.findByTargetIdOrderById(id)).extracting(e -> e.action())
                .contains("deployment.update", "deployment.rollback");
    }

    @Test
    void promoteMovesAllTrafficToOneVersionOfTheModel() {
        String id = create(List.of(split(v1, 90, false), split(v2, 10, false))).get("id");

        Api.Response promoted = admin.post("/api/v1/deployments/" + id + "/promote", Map.of("modelVersionId", v2));
        Api.Response foreign = admin.post("/api/v1/deployments/" + id + "/promote",
                Map.of("modelVersionId", otherModelsVersion));

        assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
        assertThat(promoted.map()).containsEntry("modelVersionId", v2);
        assertThat(promoted.map().get("traffic")).isEqualTo(List.of(split(v2, 100, false)));
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.body()).contains("modelVersionId");
        assertThat(audit.findByTargetIdOrderById(id)).extracting(e -> e.action()).contains("deployment.promote");
    }

    @Test
    void rollbackToAGenerationThatDoesNotExistIs400AndWithoutOneToo() {
        String id = create(List.of(split(v1, 100, false))).get("id");

        Api.Response unknown = admin.post("/api/v1/deployments/" + id + "/rollback", Map.of("generation", 9));
        Api.Response missing = admin.post("/api/v1/deployments/" + id + "/rollback", Map.of());

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("generation");
        assertThat(missing.status()).isEqualTo(400);
    }

    @Test
    void aViewerReadsTheHistoryButMayNotRollBackOrPromoteAndAnotherTenantSeesNothing() {
        String id = create(List.of(split(v1, 100, false))).get("id");
        UUID orgId = UUID.fromString(admin.get("/api/v1/projects/" + projectId).get("organizationId"));
        Api viewer = anonymous.login(tenants.user(orgId, Role.VIEWER).email(), Tenants.PASSWORD);
        Tenants.Tenant other = tenants.create(Role.OWNER);
        Api stranger = anonymous.login(other.user().email(), Tenants.PASSWORD);

        assertThat(viewer.get("/api/v1/deployments/" + id + "/history").status()).isEqualTo(200);
        assertThat(viewer.post("/api/v1/deployments/" + id + "/rollback", Map.of("generation", 1)).status())
                .isEqualTo(403);
        assertThat(viewer.post("/api/v1/deployments/" + id + "/promote", Map.of("modelVersionId", v1)).status())
                .isEqualTo(403);
        assertThat(stranger.get("/api/v1/deployments/" + id + "/history").status()).isEqualTo(404);
        assertThat(stranger.post("/api/v1/deployments/" + id + "/rollback", Map.of("generation", 1)).status())
                .isEqualTo(404);
        assertThat(stranger.post("/api/v1/deployments/" + id + "/promote", Map.of("modelVersionId", v1)).status())
                .isEqualTo(404);
        assertThat(anonymous.get("/api/v1/deployments/" + id + "/history").status()).isEqualTo(401);
    }

    @Test
    void aVersionInATrafficListCannotBeDeleted() {
        String modelId = model("traffic-delete");
        String kept = version(modelId, "mobilenet_v3_small.onnx");
        String canary = version(modelId, "mobilenet_v3_small.onnx");
        admin.post(deployments(), Map.of("name", unique("keep"), "traffic",
                List.of(split(kept, 100, false), split(canary, 20, true))));

        assertThat(admin.delete("/api/v1/model-versions/" + canary).status()).isEqualTo(409);
    }

    private Api.Response create(List<Map<String, Object>> traffic) {
        return admin.post(deployments(), Map.of("name", unique("traffic"), "traffic", traffic));
    }

    private String deployments() {
        return "/api/v1/projects/" + projectId + "/deployments";
    }

    private String model(String name) {
        return admin.post("/api/v1/projects/" + projectId + "/models", Map.of("name", unique(name))).get("id");
    }

    private String version(String modelId, String file) {
        Api.Response r = admin.upload("/api/v1/models/" + modelId + "/versions", SampleModels.path(file), Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.get("id");
    }

    private static Map<String, Object> split(String versionId, int weight, boolean shadow) {
        return Map.of("modelVersionId", versionId, "weight", weight, "shadow", shadow);
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
