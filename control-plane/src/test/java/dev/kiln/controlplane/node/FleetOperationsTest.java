package dev.kiln.controlplane.node;

import dev.kiln.controlplane.gateway.RoutingTable;
import dev.kiln.controlplane.gateway.Target;
import dev.kiln.controlplane.scheduler.Reconciler;
import dev.kiln.protocol.ErrorBody;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.core.type.Argument;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The operators' side of the fleet: the GPU type catalog, and cordoning, draining and uncordoning nodes. */
@MicronautTest(transactional = false)
class FleetOperationsTest extends FleetTestBase {

    @Inject
    NodeRegistry registry;
    @Inject
    NodeRepository nodes;
    @Inject
    Reconciler reconciler;
    @Inject
    RoutingTable routes;

    @Test
    void operatorsAddGpuTypesAndEverySignedInUserReadsThem() {
        String token = login();

        HttpResponse<String> created = call("POST", "/api/v1/gpu-types", token,
                Map.of("name", " H100-80GB ", "memoryBytes", 80L << 30));
        call("POST", "/api/v1/gpu-types", token, Map.of("name", "A10G", "memoryBytes", 24L << 30));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, Object> type = map(created.body());
        assertThat(type).containsEntry("name", "H100-80GB").containsEntry("memoryBytes", 80L << 30)
                .containsKeys("id", "createdAt");
        assertThat(fixtures.single("SELECT count(*) FROM audit_events WHERE action = 'gpu_type.create' "
                + "AND target_id = ?", Long.class, type.get("id"))).isEqualTo(1L);

        withoutOperatorFlag(() -> {
            assertThat(list(call("GET", "/api/v1/gpu-types", token, null).body()))
                    .extracting(t -> t.get("name")).containsExactly("A10G", "H100-80GB");
            HttpResponse<String> refused = call("POST", "/api/v1/gpu-types", token,
                    Map.of("name", "L4", "memoryBytes", 24L << 30));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(fromJson(refused.body(), ErrorBody.class).message()).contains("operators");
        });
        assertThat(call("GET", "/api/v1/gpu-types", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void badGpuTypesAreRefusedWithTheFieldAndDuplicatesIgnoringCaseConflict() {
        String token = login();
        call("POST", "/api/v1/gpu-types", token, Map.of("name", "L4", "memoryBytes", 24L << 30));

        assertBadField(call("POST", "/api/v1/gpu-types", token, Map.of("memoryBytes", 1)), "name",
                "value_error.missing");
        assertBadField(call("POST", "/api/v1/gpu-types", token, Map.of("name", "H100/80GB", "memoryBytes", 1)),
                "name", "value_error.gpu_type_name");
        assertBadField(call("POST", "/api/v1/gpu-types", token, Map.of("name", "T4")), "memoryBytes",
                "value_error.missing");
        assertBadField(call("POST", "/api/v1/gpu-types", token, Map.of("name", "T4", "memoryBytes", 0)),
                "memoryBytes", "value_error.range");
        HttpResponse<String> duplicate = call("POST", "/api/v1/gpu-types", token,
                Map.of("name", "l4", "memoryBytes", 24L << 30));
        assertThat(duplicate.statusCode()).as(duplicate.body()).isEqualTo(409);
        assertThat(fixtures.single("SELECT count(*) FROM gpu_types", Long.class)).isEqualTo(1L);
    }

    @Test
    void eachNodeGpuShowsTheMostSpecificCatalogTypeItCountsAs() {
        String token = login();
        for (String name : List.of("H100", "H100 80GB", "L4")) {
            call("POST", "/api/v1/gpu-types", token, Map.of("name", name, "memoryBytes", 24L << 30));
        }
        register("gpu-node", List.of(new GpuInfo(0, "NVIDIA H100 80GB HBM3", 80L << 30, null),
                new GpuInfo(1, "NVIDIA L40S", 48L << 30, null), new GpuInfo(2, "NVIDIA L4", 24L << 30, null)));

        List<Map<String, Object>> gpus = gpusOf(list(call("GET", "/api/v1/nodes", token, null).body()).getFirst());

        assertThat(gpus).extracting(gpu -> gpu.get("type")).containsExactly("H100 80GB", null, "L4");
    }

    @Test
    void aCordonedNodeKeepsItsInstancesGetsNoNewOnesAndStaysCordonedThroughALoss() {
        String token = login();
        NodeCredentials a = register("node-a", List.of());
        UUID deployment = cpuDeployment(1);
        reconciler.runOnce();
        UUID onA = fixtures.single("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment);
        heartbeat(a, onA);

        HttpResponse<String> cordoned = call("POST", "/api/v1/nodes/" + a.nodeId() + "/cordon", token, null);

        assertThat(cordoned.statusCode()).as(cordoned.body()).isEqualTo(200);
        assertThat(map(cordoned.body())).containsEntry("id", a.nodeId().toString()).containsEntry("state", "CORDONED")
                .containsEntry("instances", 1);
        assertThat(fixtures.single("SELECT count(*) FROM audit_events WHERE action = 'node.cordon' AND target_id = ?",
                Long.class, a.nodeId().toString())).isEqualTo(1L);

        fixtures.update("UPDATE deployments SET instances = 2 WHERE id = ?", deployment);
        reconciler.runOnce();
        assertThat(fixtures.column("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment))
                .containsExactly(onA);
        assertThat(fixtures.single("SELECT status_reason FROM deployments WHERE id = ?", String.class, deployment))
                .isEqualTo("1 of 2 instances ready; needs a ready inference node; none is available");

        clock.advance(Duration.ofMinutes(1));
        reconciler.runOnce();
        assertThat(nodeState(a)).isEqualTo("LOST");
        heartbeat(a);
        assertThat(nodeState(a)).isEqualTo("CORDONED");

        HttpResponse<String> uncordoned = call("POST", "/api/v1/nodes/" + a.nodeId() + "/uncordon", token, null);
        assertThat(map(uncordoned.body())).containsEntry("state", "READY");
        reconciler.runOnce();
        assertThat(fixtures.column("SELECT node_id FROM instances WHERE deployment_id = ? AND status <> 'LOST'",
                UUID.class, deployment)).containsExactly(a.nodeId(), a.nodeId());
    }

    @Test
    void drainingANodeMovesItsInstancesAndRemovesEachOnlyOnceItsReplacementIsReady() {
        String token = login();
        NodeCredentials a = register("node-a", List.of());
        UUID deployment = cpuDeployment(1);
        reconciler.runOnce();
        UUID onA = fixtures.single("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment);
        heartbeat(a, onA);
        NodeCredentials b = register("node-b", List.of());

        HttpResponse<String> draining = call("POST", "/api/v1/nodes/" + a.nodeId() + "/drain", token, null);
        assertThat(map(draining.body())).containsEntry("state", "DRAINING");
        reconciler.runOnce();

        UUID onB = fixtures.single("SELECT id FROM instances WHERE node_id = ?", UUID.class, b.nodeId());
        routes.refresh();
        assertThat(routedTo(deployment)).containsExactly(onA); // still serving while the replacement loads
        assertThat(fixtures.single("SELECT status FROM deployments WHERE id = ?", String.class, deployment))
                .isEqualTo("ONLINE");

        heartbeat(b, onB);
        reconciler.runOnce();
        routes.refresh();

        assertThat(routedTo(deployment)).containsExactly(onB);
        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, onA))
                .isEqualTo("DRAINING");

        clock.advance(Duration.ofSeconds(6)); // the drain grace
        reconciler.runOnce();

        Map<String, Object> nodeA = list(call("GET", "/api/v1/nodes", token, null).body()).stream()
                .filter(node -> node.get("id").equals(a.nodeId().toString())).findFirst().orElseThrow();
        assertThat(nodeA).containsEntry("state", "DRAINING").containsEntry("instances", 0);
        assertThat(fixtures.column("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment))
                .containsExactly(onB);
        assertThat(fixtures.single("SELECT count(*) FROM audit_events WHERE action = 'node.drain'", Long.class))
                .isEqualTo(1L);
    }

    @Test
    void nodeActionsAreForOperatorsAndKnownNodes() {
        String token = login();
        NodeCredentials a = register("node-a", List.of());

        assertThat(call("POST", "/api/v1/nodes/" + a.nodeId() + "/drain", null, null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/api/v1/nodes/" + UUID.randomUUID() + "/cordon", token, null).statusCode())
                .isEqualTo(404);
        withoutOperatorFlag(() -> assertThat(
                call("POST", "/api/v1/nodes/" + a.nodeId() + "/cordon", token, null).statusCode()).isEqualTo(403));
        assertThat(nodeState(a)).isEqualTo("READY");
    }

    // --- helpers

    private void withoutOperatorFlag(Runnable check) {
        fixtures.update("UPDATE users SET is_operator = false WHERE lower(email) = ?", ADMIN_EMAIL);
        try {
            check.run();
        } finally {
            fixtures.update("UPDATE users SET is_operator = true WHERE lower(email) = ?", ADMIN_EMAIL);
        }
    }

    private void assertBadField(HttpResponse<String> response, String field, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        ErrorBody body = fromJson(response.body(), ErrorBody.class);
        assertThat(body.detail()).anySatisfy(detail -> {
            assertThat(detail.loc()).containsExactly("body", field);
            assertThat(detail.type()).isEqualTo(type);
        });
    }

    private List<UUID> routedTo(UUID deployment) {
        return routes.current(deployment).orElseThrow().ready().stream().map(Target::instanceId).toList();
    }

    private NodeCredentials register(String name, List<GpuInfo> gpus) {
        return FleetFixtures.admit(registry, new NodeRegistration(null, name, "http://127.0.0.1:1", null, Map.of(), 4,
                8L << 30, gpus, "test"));
    }

    private void heartbeat(NodeCredentials node, UUID... ready) {
        registry.heartbeat(nodes.findById(node.nodeId()).orElseThrow(), new Heartbeat(
                java.util.Arrays.stream(ready).map(id -> new InstanceReport(id, InstanceStatus.READY, null, 0))
                        .toList(), null, 0, 0, List.of(), List.of()));
    }

    private UUID cpuDeployment(int instances) {
        UUID project = fixtures.project();
        return fixtures.cpuDeployment(project, fixtures.modelVersion(project, new byte[]{1, 2}).id(), instances);
    }

    private String nodeState(NodeCredentials node) {
        return fixtures.single("SELECT state FROM nodes WHERE id = ?", String.class, node.nodeId());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> gpusOf(Map<String, Object> node) {
        return (List<Map<String, Object>>) node.get("gpus");
    }

    private Map<String, Object> map(String body) {
        try {
            return json.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Map<String, Object>> list(String body) {
        try {
            return json.readValue(body, Argument.listOf(Argument.mapOf(String.class, Object.class)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
