package dev.kiln.controlplane.quota;

import dev.kiln.controlplane.audit.AuditEventRepository;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.SampleModels;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class QuotaApiTest extends ApiTest {

    private static final Path SMALL_MODEL = SampleModels.path("mobilenet_v3_small.onnx");

    @Inject
    Tenants tenants;
    @Inject
    AuditEventRepository audit;

    /** A fresh organization, its project, and its OWNER signed in (not an operator). */
    private record Org(String id, String projectId, Api owner) {
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("kiln.quotas.organizations-per-user", "2");
        // Organizations per user only matter where people create their own.
        properties.put("kiln.tenancy.self-service-orgs", "true");
        return properties;
    }

    @Test
    void membersOfAnyRoleReadEveryQuotaWithItsLimitUsageAndUnit() {
        Org org = org();
        Api viewer = login(tenants.user(UUID.fromString(org.id()), Role.VIEWER).email());
        createKey(org.owner(), org.projectId());

        Api.Response r = viewer.get(quotasOf(org));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.get("organizationId")).isEqualTo(org.id());
        assertThat(quotas(r)).containsOnlyKeys("instances", "gpus", "deployments", "keys", "modelStorageBytes",
                "captureStorageBytes");
        assertThat(quotas(r).get("keys")).containsEntry("limit", 1000).containsEntry("used", 1)
                .containsEntry("unit", "count");
        assertThat(quotas(r).get("modelStorageBytes")).containsEntry("limit", 50L << 30).containsEntry("used", 0)
                .containsEntry("unit", "bytes");
    }

    @Test
    void anotherTenantGets404ForTheQuotasAndOnlyOperatorsChangeThem() {
        Org org = org();
        Org other = org();

        assertThat(other.owner().get(quotasOf(org)).status()).isEqualTo(404);
        assertThat(other.owner().patch(quotasOf(org), Map.of("keys", 7)).status()).isEqualTo(404);
        Api.Response notOperator = org.owner().patch(quotasOf(org), Map.of("keys", 7));
        assertError(notOperator, 403, "Only operators may change quotas.");
        assertThat(anonymous.get(quotasOf(org)).status()).isEqualTo(401);
        assertThat(anonymous.patch(quotasOf(org), Map.of("keys", 7)).status()).isEqualTo(401);
        assertThat(quotas(org.owner().get(quotasOf(org))).get("keys")).containsEntry("limit", 1000);
    }

    @Test
    void anOperatorSetsALimitAndPutsItBackToTheDefaultWithNullAndEachChangeIsAudited() {
        Org org = org();

        Api.Response set = admin.patch(quotasOf(org), Map.of("keys", 3, "modelStorageBytes", 1000));
        Api.Response back = admin.patchRaw(quotasOf(org), "{\"keys\": null}");

        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(quotas(set).get("keys")).containsEntry("limit", 3);
        assertThat(quotas(set).get("modelStorageBytes")).containsEntry("limit", 1000);
        assertThat(quotas(back).get("keys")).containsEntry("limit", 1000);
        assertThat(quotas(back).get("modelStorageBytes")).containsEntry("limit", 1000);
        assertThat(audit.findByTargetIdOrderById(org.id())).filteredOn(e -> e.action().equals("organization.quotas.update"))
                .hasSize(2);
    }

    @Test
    void unknownFieldsNegativeAndFractionalLimitsAre400AndChangeNothing() {
        Org org = org();

        Api.Response unknown = admin.patch(quotasOf(org), Map.of("keys", 3, "captureBytes", 5));
        Api.Response negative = admin.patch(quotasOf(org), Map.of("deployments", -1));
        Api.Response fractional = admin.patch(quotasOf(org), Map.of("gpus", 1.5));

        assertError(unknown, 400, "The quotas are not valid.");
        assertThat(unknown.body()).contains("captureBytes").contains("is not a quota");
        assertError(negative, 400, "The quotas are not valid.");
        assertThat(negative.body()).contains("deployments").contains("must be between 0 and");
        assertError(fractional, 400, "The quotas are not valid.");
        assertThat(quotas(admin.get(quotasOf(org))).get("keys")).containsEntry("limit", 1000);
    }

    @Test
    void creatingDeploymentsPastTheQuotaIs403NamingItAndDeletingOneFreesItsPlace() {
        Org org = org();
        String version = upload(org);
        admin.patch(quotasOf(org), Map.of("deployments", 2));

        assertThat(createDeployment(org, version, Map.of()).status()).isEqualTo(201);
        String second = createDeployment(org, version, Map.of()).get("id");
        Api.Response third = createDeployment(org, version, Map.of());

        assertError(third, 403, "The organization's deployments quota (2) is reached.");
        String name = org.owner().get("/api/v1/deployments/" + second).get("name");
        assertThat(org.owner().delete("/api/v1/deployments/" + second + "?confirm=" + name).status()).isLessThan(300);
        assertThat(createDeployment(org, version, Map.of()).status()).isEqualTo(201);
    }

    @Test
    void instancesCountOnCreateAndOnPatchAndLoweringIsAlwaysAllowed() {
        Org org = org();
        String version = upload(org);
        admin.patch(quotasOf(org), Map.of("instances", 5));

        String id = createDeployment(org, version, Map.of("instances", 3)).get("id");
        Api.Response tooMany = createDeployment(org, version, Map.of("instances", 3));
        Api.Response grown = org.owner().patch("/api/v1/deployments/" + id, Map.of("instances", 6));
        admin.patch(quotasOf(org), Map.of("instances", 1));
        Api.Response lowered = org.owner().patch("/api/v1/deployments/" + id, Map.of("instances", 2));

        assertError(tooMany, 403, "The organization's instances quota (5) is reached.");
        assertError(grown, 403, "The organization's instances quota (5) is reached.");
        assertThat(lowered.status()).as(lowered.body()).isEqualTo(200);
        assertThat(quotas(org.owner().get(quotasOf(org))).get("instances")).containsEntry("used", 2);
    }

    @Test
    void gpusCountInstancesTimesGpusPerInstance() {
        Org org = org();
        String version = upload(org);
        String type = "H100-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/v1/gpu-types", Map.of("name", type, "memoryBytes", 80L << 30)).status())
                .isEqualTo(201);
        admin.patch(quotasOf(org), Map.of("gpus", 4));
        Map<String, Object> gpu = Map.of("resourceType", "GPU", "gpuType", type, "gpusPerInstance", 2);

        String id = createDeployment(org, version, with(gpu, "instances", 2)).get("id");
        Api.Response more = createDeployment(org, version, with(gpu, "instances", 1));
        Api.Response wider = org.owner().patch("/api/v1/deployments/" + id, Map.of("gpusPerInstance", 3));

        assertError(more, 403, "The organization's gpus quota (4) is reached.");
        assertError(wider, 403, "The organization's gpus quota (4) is reached.");
        assertThat(quotas(org.owner().get(quotasOf(org))).get("gpus")).containsEntry("used", 4);
    }

    @Test
    void keysPastTheQuotaAre403AndARevokedKeyFreesItsPlace() {
        Org org = org();
        admin.patch(quotasOf(org), Map.of("keys", 2));

        createKey(org.owner(), org.projectId());
        String second = createKey(org.owner(), org.projectId()).get("id");
        Api.Response third = createKey(org.owner(), org.projectId());

        assertError(third, 403, "The organization's keys quota (2) is reached.");
        assertThat(org.owner().delete("/api/v1/keys/" + second).status()).isEqualTo(204);
        assertThat(createKey(org.owner(), org.projectId()).status()).isEqualTo(201);
    }

    @Test
    void modelStorageCountsEachDistinctFileOnceWithinTheOrganization() throws Exception {
        Org org = org();
        long size = Files.size(SMALL_MODEL);
        admin.patch(quotasOf(org), Map.of("modelStorageBytes", size + 1000));

        String modelId = createModel(org);
        Api.Response first = org.owner().upload("/api/v1/models/" + modelId + "/versions", SMALL_MODEL, Map.of());
        Api.Response sameFileAgain = org.owner().upload("/api/v1/models/" + modelId + "/versions", SMALL_MODEL,
                Map.of());
        Api.Response otherFile = org.owner().upload("/api/v1/models/" + modelId + "/versions",
                SampleModels.path("ppocr_v4_text_det.onnx"), Map.of());

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(sameFileAgain.status()).as(sameFileAgain.body()).isEqualTo(201);
        assertError(otherFile, 403, "The organization's modelStorageBytes quota (" + (size + 1000)
                + " bytes) is reached.");
        assertThat(((Number) quotas(org.owner().get(quotasOf(org))).get("modelStorageBytes").get("used")).longValue())
                .isEqualTo(size);
    }

    @Test
    void aUserOwnsAtMostTheConfiguredNumberOfOrganizationsButOperatorsAreNotLimited() {
        Org org = org(); // the user owns one already
        Api.Response second = org.owner().post("/api/v1/organizations", Map.of("name", "second"));
        Api.Response third = org.owner().post("/api/v1/organizations", Map.of("name", "third"));

        assertThat(second.status()).as(second.body()).isEqualTo(201);
        assertError(third, 403, "The organizationsPerUser quota (2) is reached: you already own 2 organizations.");
        for (int i = 0; i < 3; i++) {
            assertThat(admin.post("/api/v1/organizations", Map.of("name", "op-" + i)).status()).isEqualTo(201);
        }
    }

    @Test
    void aUserCreatingOrganizationsInParallelStillOwnsNoMoreThanTheLimit() throws Exception {
        Org org = org(); // owns one; one more is allowed
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(() -> org.owner().post("/api/v1/organizations", Map.of("name", "parallel")).status());
        }

        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            for (Future<Integer> status : pool.invokeAll(calls)) {
                statuses.add(status.get());
            }
        }

        assertThat(statuses).containsOnly(201, 403);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(org.owner().get("/api/v1/organizations").list()).hasSize(2);
    }

    @Test
    void parallelCreatesNeverTakeTheOrganizationPastItsQuota() throws Exception {
        Org org = org();
        String version = upload(org);
        admin.patch(quotasOf(org), Map.of("deployments", 3, "keys", 3));
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(() -> createDeployment(org, version, Map.of()).status());
            calls.add(() -> createKey(org.owner(), org.projectId()).status());
        }

        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (Future<Integer> status : pool.invokeAll(calls)) {
                statuses.add(status.get());
            }
        }

        assertThat(statuses).containsOnly(201, 403);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(6);
        Map<String, Map<String, Object>> after = quotas(org.owner().get(quotasOf(org)));
        assertThat(after.get("deployments")).containsEntry("used", 3);
        assertThat(after.get("keys")).containsEntry("used", 3);
    }

    // --- helpers

    private Org org() {
        Tenants.Tenant tenant = tenants.create(Role.OWNER);
        return new Org(tenant.organization().id().toString(), tenant.project().id().toString(),
                login(tenant.user().email()));
    }

    private Api login(String email) {
        return anonymous.login(email, Tenants.PASSWORD);
    }

    private String upload(Org org) {
        Api.Response version = org.owner().upload("/api/v1/models/" + createModel(org) + "/versions", SMALL_MODEL,
                Map.of());
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        return version.get("id");
    }

    private String createModel(Org org) {
        return org.owner().post("/api/v1/projects/" + org.projectId() + "/models",
                Map.of("name", "quota-model-" + UUID.randomUUID())).get("id");
    }

    private Api.Response createDeployment(Org org, String version, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(extra);
        body.put("name", "d-" + UUID.randomUUID().toString().substring(0, 8));
        body.put("modelVersionId", version);
        return org.owner().post("/api/v1/projects/" + org.projectId() + "/deployments", body);
    }

    private static Api.Response createKey(Api api, String projectId) {
        return api.post("/api/v1/projects/" + projectId + "/keys",
                Map.of("name", "k-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    private static Map<String, Object> with(Map<String, Object> base, String field, Object value) {
        Map<String, Object> copy = new HashMap<>(base);
        copy.put(field, value);
        return copy;
    }

    private static String quotasOf(Org org) {
        return "/api/v1/organizations/" + org.id() + "/quotas";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> quotas(Api.Response r) {
        Map<String, Map<String, Object>> byName = new HashMap<>();
        for (Object quota : (List<Object>) r.map().get("quotas")) {
            Map<String, Object> q = (Map<String, Object>) quota;
            byName.put((String) q.get("name"), q);
        }
        return byName;
    }

    private static void assertError(Api.Response r, int status, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.map()).containsEntry("status", status).containsEntry("message", message);
    }
}
