package dev.kiln.controlplane.node;

import dev.kiln.controlplane.scheduler.Reconciler;
import dev.kiln.protocol.ErrorBody;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.core.type.Argument;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class NodesApiTest extends FleetTestBase {

    @Inject
    NodeRegistry registry;
    @Inject
    Reconciler reconciler;

    @Test
    void operatorsSeeNodesWithTheirGpusAndWhoHoldsThem() {
        NodeCredentials node = FleetFixtures.admit(registry, new NodeRegistration(null, "gpu-1", "http://10.0.0.7:8081", "eu",
                Map.of("rack", "r1"), 16, 64L << 30, List.of(new GpuInfo(0, "NVIDIA L4", 24L << 30, "GPU-abc"),
                new GpuInfo(1, "NVIDIA L4", 24L << 30, "GPU-def")), "0.1.0"));
        FleetFixtures.admit(registry, new NodeRegistration(null, "cpu-1", "http://10.0.0.8:8081", null, Map.of(), 4, 8L << 30,
                List.of(), "0.1.0"));
        UUID project = fixtures.project();
        var version = fixtures.modelVersion(project, new byte[]{1});
        fixtures.deployment(project, version.id(), 1, "GPU", "L4", 1);
        reconciler.runOnce();
        UUID instance = fixtures.single("SELECT id FROM instances", UUID.class);

        HttpResponse<String> response = send(nodesRequest(login()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Map<String, Object>> nodes = readNodes(response.body());
        assertThat(nodes).hasSize(2);
        // Ordered by name; a node without GPUs still lists them, as an empty list.
        assertThat(nodes.getFirst()).containsEntry("name", "cpu-1").containsEntry("gpus", List.of())
                .containsEntry("region", null);
        assertThat(nodes.get(1)).satisfies(view -> {
            assertThat(view).containsEntry("id", node.nodeId().toString()).containsEntry("name", "gpu-1")
                    .containsEntry("address", "http://10.0.0.7:8081").containsEntry("state", "READY")
                    .containsEntry("region", "eu").containsEntry("labels", Map.of("rack", "r1"))
                    .containsEntry("cpuCores", 16).containsEntry("instances", 1)
                    .containsKeys("lastHeartbeatAt", "registeredAt");
            assertThat((List<Map<String, Object>>) view.get("gpus")).hasSize(2)
                    .anySatisfy(gpu -> assertThat(gpu).containsEntry("index", 0)
                            .containsEntry("instanceId", instance.toString()));
        });
    }

    @Test
    void nodesAreForOperatorsOnly() {
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri("/api/v1/nodes")).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        String token = login();
        fixtures.update("UPDATE users SET is_operator = false WHERE lower(email) = ?", ADMIN_EMAIL);
        try {
            HttpResponse<String> member = send(nodesRequest(token));
            assertThat(member.statusCode()).isEqualTo(403);
            assertThat(fromJson(member.body(), ErrorBody.class).error()).isEqualTo("Forbidden");
        } finally {
            fixtures.update("UPDATE users SET is_operator = true WHERE lower(email) = ?", ADMIN_EMAIL);
        }
    }

    private List<Map<String, Object>> readNodes(String body) {
        try {
            return json.readValue(body, Argument.listOf(Argument.mapOf(String.class, Object.class)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpRequest nodesRequest(String token) {
        return HttpRequest.newBuilder(uri("/api/v1/nodes")).header("Authorization", "Bearer " + token).GET().build();
    }
}
