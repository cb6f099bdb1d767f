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

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class DeploymentApiTest extends ApiTest {

    @Inject
    Tenants tenants;
    @Inject
    AuditEventRepository audit;

    String projectId;
    String modelId;
    String versionId;

    @BeforeAll
    void model() {
        clients();
        projectId = defaultProjectId();
        modelId = admin.post("/api/v1/projects/" + projectId + "/models",
                Map.of("name", "deploy-model-" + UUID.randomUUID())).get("id");
        Api.Response version = admin.upload("/api/v1/models/" + modelId + "/versions",
                SampleModels.path("ssdlite320_mobilenet_v3.onnx"), Map.of());
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        versionId = version.get("id");
    }

    @Test
    void aNewDeploymentIsPendingWithDefaultsAndTheFullJson() {
        Api.Response r = create(Map.of("name", unique("web"), "modelVersionId", versionId));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.map()).containsEntry("projectId", projectId).containsEntry("modelVersionId", versionId)
                .containsEntry("versionTag", "v1").containsEntry("status", "PENDING")
                .containsEntry("statusReason", "waiting for the scheduler").containsEntry("instances", 1)
                .containsEntry("readyInstances", 0).containsEntry("resourceType", "CPU")
                .containsEntry("gpusPerInstance", 0).containsEntry("evaluationStrategy", "entropy")
                .containsEntry("maxBatchSize", 1).containsEntry("maxQueue", 64).containsEntry("timeoutMs", 30000)
                .containsKeys("id", "createdAt", "updatedAt", "evaluationThreshold", "maxQueueDelayMs");
        assertThat(audit.findByTargetIdOrderById(r.get("id")))
                .anySatisfy(e -> assertThat(e.action()).isEqualTo("deployment.create"));
    }

    @Test
    void aGpuDeploymentDefaultsToOneGpuPerInstanceAndTakesTheCatalogsSpellingOfItsType() {
        String type = gpuType();

        Api.Response r = create(Map.of("name", unique("gpu"), "modelVersionId", versionId, "resourceType", "GPU",
                "gpuType", type.toLowerCase(java.util.Locale.ROOT)));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.map()).containsEntry("resourceType", "GPU").containsEntry("gpusPerInstance", 1)
                .containsEntry("gpuType", type);
    }

    @Test
    void aGpuDeploymentMustNameAGpuTypeOfTheCatalogOnCreateAndPatch() {
        String type = gpuType();

        Api.Response missing = create(Map.of("name", unique("gpu"), "modelVersionId", versionId,
                "resourceType", "GPU"));
        Api.Response unknown = create(Map.of("name", unique("gpu"), "modelVersionId", versionId,
                "resourceType", "GPU", "gpuType", "NoSuchGpu"));
        String cpuId = create(Map.of("name", unique("cpu"), "modelVersionId", versionId)).get("id");
        Api.Response toGpuWithoutType = admin.patch("/api/v1/deployments/" + cpuId, Map.of("resourceType", "GPU"));
        String gpuId = create(Map.of("name", unique("gpu"), "modelVersionId", versionId, "resourceType", "GPU",
                "gpuType", type)).get("id");
        Api.Response toUnknownType = admin.patch("/api/v1/deployments/" + gpuId, Map.of("gpuType", "NoSuchGpu"));

        for (Api.Response r : List.of(missing, unknown, toGpuWithoutType, toUnknownType)) {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(locs(r)).contains(List.of("body", "gpuType"));
        }
        assertThat(missing.body()).contains("is required for a GPU deployment").contains(type);
        assertThat(unknown.body()).contains("'NoSuchGpu' is not in the GPU type catalog");
        assertThat(admin.get("/api/v1/deployments/" + gpuId).get("gpuType")).isEqualTo(type);
        assertThat(admin.get("/api/v1/deployments/" + cpuId).get("resourceType")).isEqualTo("CPU");
    }

    @Test
    void aDeploymentCanNameItsModelByIdAndVersionTag() {
        Api.Response r = create(Map.of("name", unique("bytag"), "modelId", modelId, "versionTag", "v1"));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.get("modelVersionId")).isEqualTo(versionId);
    }

    @Test
    void getAndListShowTheDeployment() {
        String id = create(Map.of("name", unique("listed"), "modelVersionId", versionId)).get("id");

        Api.Response one = admin.get("/api/v1/deployments/" + id);
        Api.Response all = admin.get("/api/v1/projects/" + projectId + "/deployments");

        assertThat(one.status()).isEqualTo(200);
        assertThat(one.map()).containsEntry("id", id).containsEntry("versionTag", "v1");
        assertThat(all.list()).anySatisfy(d -> assertThat(d).containsEntry("id", id));
        assertThat(admin.get("/api/v1/deployments/" + id + "/instances").status()).isEqualTo(200);
    }

    @Test
    void aSecondLiveDeploymentWithTheSameNameIs409() {
        String name = unique("twin");
        create(Map.of("name", name, "modelVersionId", versionId));

        Api.Response r = create(Map.of("name", name, "modelVersionId", versionId));

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.map()).containsEntry("status", 409).containsEntry("error", "Conflict");
    }

    @Test
    void invalidSettingsAre400WithADetailPerField() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "");
        body.put("modelVersionId", versionId);
        Api.Response missingName = create(body);
        Api.Response badValues = create(Map.of("name", unique("bad"), "modelVersionId", versionId, "instances", 100,
                "resourceType", "TPU", "maxBatchSize", 0, "timeoutMs", -1, "evaluationStrategy", "vibes"));
        Api.Response noModel = create(Map.of("name", unique("nomodel")));
        Api.Response foreignVersion = create(Map.of("name", unique("foreign"), "modelVersionId", UUID.randomUUID()));

        assertThat(missingName.status()).isEqualTo(400);
        assertThat(missingName.body()).contains("\"loc\":[\"body\",\"name\"]");
        assertThat(badValues.status()).isEqualTo(400);
        assertThat(locs(badValues)).contains(List.of("body", "instances"), List.of("body", "resourceType"),
                List.of("body", "maxBatchSize"), List.of("body", "timeoutMs"), List.of("body", "evaluationStrategy"));
        assertThat(locs(noModel)).contains(List.of("body", "modelVersionId"));
        assertThat(locs(foreignVersion)).contains(List.of("body", "modelVersionId"));
    }

    @Test
    void aCpuDeploymentCannotAskForGpus() {
        Api.Response r = create(Map.of("name", unique("cpu-gpus"), "modelVersionId", versionId, "gpusPerInstance", 2));

        assertThat(r.status()).isEqualTo(400);
        assertThat(locs(r)).contains(List.of("body", "gpusPerInstance"));
    }

    @Test
    void patchingServingSettingsBumpsTheGenerationButScalingDoesNot() {
        Map<String, Object> created = create(Map.of("name", unique("patch"), "modelVersionId", versionId)).map();
        String id = created.get("id").toString();

        Api.Response scaled = admin.patch("/api/v1/deployments/" + id, Map.of("instances", 3));
        Api.Response tuned = admin.patch("/api/v1/deployments/" + id, Map.of("maxBatchSize", 8, "maxQueueDelayMs", 5));
        Api.Response invalid = admin.patch("/api/v1/deployments/" + id, Map.of("maxQueue", 0));

        assertThat(scaled.status()).as(scaled.body()).isEqualTo(200);
        assertThat(scaled.map()).containsEntry("instances", 3).containsEntry("generation", created.get("generation"));
        assertThat(tuned.map()).containsEntry("maxBatchSize", 8).containsEntry("maxQueueDelayMs", 5)
                .containsEntry("generation", ((Number) created.get("generation")).intValue() + 1);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(locs(invalid)).contains(List.of("body", "maxQueue"));
    }

    @Test
    void deleteWithoutOrWithAWrongConfirmIs400SayingToPassTheName() {
        String name = unique("keep");
        String id = create(Map.of("name", name, "modelVersionId", versionId)).get("id");

        Api.Response missing = admin.delete("/api/v1/deployments/" + id);
        Api.Response wrong = admin.delete("/api/v1/deployments/" + id + "?confirm=nope");

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("\"loc\":[\"query\",\"confirm\"]").contains("?confirm=" + name);
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/deployments/" + id).get("status")).isNotEqualTo("DELETING");
    }

    @Test
    void deleteWithTheNameAsConfirmIs202AndDeletingAndFreesTheName() {
        String name = unique("gone");
        String id = create(Map.of("name", name, "modelVersionId", versionId)).get("id");

        Api.Response r = admin.delete("/api/v1/deployments/" + id + "?confirm=" + name);

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.map()).containsEntry("id", id).containsEntry("status", "DELETING");
        assertThat(create(Map.of("name", name, "modelVersionId", versionId)).status()).isEqualTo(201);
    }

    @Test
    void aViewerMayReadButNotCreateDeployments() {
        UUID orgId = UUID.fromString(admin.get("/api/v1/projects/" + projectId).get("organizationId"));
        var viewer = tenants.user(orgId, Role.VIEWER);
        Api asViewer = anonymous.login(viewer.email(), Tenants.PASSWORD);

        assertThat(asViewer.get("/api/v1/projects/" + projectId + "/deployments").status()).isEqualTo(200);
        Api.Response r = asViewer.post("/api/v1/projects/" + projectId + "/deployments",
                Map.of("name", unique("viewer"), "modelVersionId", versionId));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.map()).containsEntry("error", "Forbidden");
    }

    @Test
    void anotherTenantsDeploymentIs404() {
        String id = create(Map.of("name", unique("mine"), "modelVersionId", versionId)).get("id");
        Tenants.Tenant other = tenants.create(Role.OWNER);
        Api stranger = anonymous.login(other.user().email(), Tenants.PASSWORD);

        assertThat(stranger.get("/api/v1/deployments/" + id).status()).isEqualTo(404);
        assertThat(stranger.delete("/api/v1/deployments/" + id + "?confirm=x").status()).isEqualTo(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void autoscalingIsOffByDefaultAndCreateAndPatchTakeTheNestedObject() {
        Api.Response plain = create(Map.of("name", unique("fixed"), "modelVersionId", versionId));
        Api.Response scaled = create(Map.of("name", unique("auto"), "modelVersionId", versionId, "autoscaling",
                Map.of("minInstances", 0, "maxInstances", 3, "targetConcurrency", 2, "scaleDownDelaySeconds", 30)));
        String id = scaled.get("id");

        Api.Response wider = admin.patch("/api/v1/deployments/" + id, Map.of("autoscaling", Map.of("maxInstances", 5,
                "maxScaleUpRate", 2)));
        Api.Response off = admin.patch("/api/v1/deployments/" + id, Map.of("autoscaling", Map.of("enabled", false)));

        assertThat(plain.map().get("autoscaling")).isNull();
        assertThat(scaled.status()).as(scaled.body()).isEqualTo(201);
        assertThat((Map<String, Object>) scaled.map().get("autoscaling")).containsEntry("enabled", true)
                .containsEntry("minInstances", 0).containsEntry("maxInstances", 3)
                .containsEntry("targetConcurrency", 2.0).containsEntry("scaleDownDelaySeconds", 30)
                .containsEntry("desiredInstances", 1);
        assertThat((Map<String, Object>) wider.map().get("autoscaling")).containsEntry("minInstances", 0)
                .containsEntry("maxInstances", 5).containsEntry("maxScaleUpRate", 2.0)
                .containsEntry("targetConcurrency", 2.0);
        assertThat(wider.map()).containsEntry("generation", scaled.map().get("generation"));
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(off.map().get("autoscaling")).isNull();
        assertThat(off.map()).containsEntry("instances", 1);
    }

    @Test
    void invalidAutoscalingIs400NamingTheFieldAndNothingIsWritten() {
        String id = create(Map.of("name", unique("auto-bad"), "modelVersionId", versionId)).get("id");

        Api.Response inverted = admin.patch("/api/v1/deployments/" + id, Map.of("autoscaling",
                Map.of("minInstances", 4, "maxInstances", 2)));
        Api.Response outOfRange = create(Map.of("name", unique("auto-bad"), "modelVersionId", versionId,
                "autoscaling", Map.of("maxInstances", 65, "targetConcurrency", 0, "scaleDownDelaySeconds", -1)));
        Api.Response unknown = admin.patchRaw("/api/v1/deployments/" + id, "{\"autoscaling\": {\"minimum\": 1}}");

        assertThat(inverted.status()).isEqualTo(400);
        assertThat(locs(inverted)).containsExactly(List.of("body", "autoscaling", "minInstances"));
        assertThat(outOfRange.status()).isEqualTo(400);
        assertThat(locs(outOfRange)).contains(List.of("body", "autoscaling", "maxInstances"),
                List.of("body", "autoscaling", "targetConcurrency"),
                List.of("body", "autoscaling", "scaleDownDelaySeconds"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("minimum");
        assertThat(admin.get("/api/v1/deployments/" + id).map().get("autoscaling")).isNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAutoscaledDeploymentHoldsItsMaximumInTheInstancesQuota() {
        String orgId = admin.get("/api/v1/projects/" + projectId).get("organizationId");
        String quotas = "/api/v1/organizations/" + orgId + "/quotas";
        Map<String, Object> instances = ((List<Map<String, Object>>) admin.get(quotas).map().get("quotas")).stream()
                .filter(q -> "instances".equals(q.get("name"))).findFirst().orElseThrow();
        long used = ((Number) instances.get("used")).longValue();
        assertThat(admin.patch(quotas, Map.of("instances", used + 2)).status()).isEqualTo(200);
        try {
            Api.Response over = create(Map.of("name", unique("auto-big"), "modelVersionId", versionId,
                    "autoscaling", Map.of("minInstances", 1, "maxInstances", 3)));
            Api.Response within = create(Map.of("name", unique("auto-fits"), "modelVersionId", versionId,
                    "autoscaling", Map.of("minInstances", 1, "maxInstances", 2)));
            Api.Response grow = admin.patch("/api/v1/deployments/" + within.get("id"),
                    Map.of("autoscaling", Map.of("maxInstances", 3)));

            assertThat(over.status()).as(over.body()).isEqualTo(403);
            assertThat(over.get("message")).contains("instances");
            assertThat(within.status()).as(within.body()).isEqualTo(201);
            assertThat(grow.status()).isEqualTo(403);
        } finally {
            admin.patchRaw(quotas, "{\"instances\": null}");
        }
    }

    @Test
    void aViewerCannotTurnOnAutoscaling() {
        String id = create(Map.of("name", unique("auto-viewer"), "modelVersionId", versionId)).get("id");
        UUID orgId = UUID.fromString(admin.get("/api/v1/projects/" + projectId).get("organizationId"));
        Api asViewer = anonymous.login(tenants.user(orgId, Role.VIEWER).email(), Tenants.PASSWORD);

        Api.Response r = asViewer.patch("/api/v1/deployments/" + id, Map.of("autoscaling", Map.of("maxInstances", 2)));

        assertThat(r.status()).isEqualTo(403);
        assertThat(admin.get("/api/v1/deployments/" + id).map().get("autoscaling")).isNull();
    }

    /** A new GPU type in the catalog (the bootstrap admin is an operator); the database is shared, so unique. */
    private String gpuType() {
        String name = unique("H100");
        Api.Response r = admin.post("/api/v1/gpu-types", Map.of("name", name, "memoryBytes", 80L << 30));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return name;
    }

    private Api.Response create(Map<String, ?> body) {
        return admin.post("/api/v1/projects/" + projectId + "/deployments", body);
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
