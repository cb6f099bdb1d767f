package dev.kiln.controlplane.node;

import dev.kiln.controlplane.scheduler.Reconciler;
import dev.kiln.protocol.Assignments;
import dev.kiln.protocol.ErrorBody;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.HeartbeatAck;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.InternalPaths;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import dev.kiln.protocol.Task;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MicronautTest(transactional = false)
class NodeApiTest extends FleetTestBase {

    @Inject
    Reconciler reconciler;
    @Inject
    GatewayTokens gatewayTokens;

    @Test
    void registrationWithoutOrWithWrongJoinTokenIs401() {
        for (String token : new String[]{null, "wrong-token", JOIN_TOKEN + "x"}) {
            HttpResponse<String> response = send(register(registration(null, "node-a"), token));
            assertThat(response.statusCode()).isEqualTo(401);
            ErrorBody body = fromJson(response.body(), ErrorBody.class);
            assertThat(body.status()).isEqualTo(401);
            assertThat(body.error()).isEqualTo("Unauthorized");
            assertThat(body.message()).contains("join token");
        }
        assertThat(fixtures.column("SELECT id FROM nodes", UUID.class)).isEmpty();
    }

    @Test
    void registrationGivesCredentialsAndStoresOnlyTheSecretHash() {
        NodeCredentials credentials = registerOk(registration(null, "node-a"));

        assertThat(credentials.nodeId()).isNotNull();
        assertThat(credentials.nodeSecret()).hasSize(43);
        assertThat(credentials.heartbeatIntervalMs()).isEqualTo(2000);
        assertThat(credentials.gatewayToken()).hasSize(43).isNotEqualTo(credentials.nodeSecret());
        String sealed = fixtures.single("SELECT gateway_token_sealed FROM nodes WHERE id = ?", String.class,
                credentials.nodeId());
        assertThat(sealed).doesNotContain(credentials.gatewayToken());
        assertThat(gatewayTokens.open(credentials.nodeId(), sealed)).isEqualTo(credentials.gatewayToken());
        String storedHash = fixtures.single("SELECT secret_hash FROM nodes WHERE id = ?", String.class,
                credentials.nodeId());
        assertThat(storedHash).isEqualTo(dev.kiln.controlplane.common.Secrets.sha256Hex(credentials.nodeSecret()))
                .isNotEqualTo(credentials.nodeSecret());
        assertThat(fixtures.column("SELECT name FROM node_gpus WHERE node_id = ?", String.class, credentials.nodeId()))
                .containsExactly("NVIDIA A100-SXM4-80GB");
    }

    @Test
    void aNodeReRegisteringWithItsCredentialKeepsItsIdAndGetsANewSecretAndGatewayToken() {
        NodeCredentials first = registerOk(registration(null, "node-a"));

        HttpResponse<String> response = send(register(registration(first.nodeId(), "node-a"), JOIN_TOKEN,
                first.nodeSecret()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        NodeCredentials again = fromJson(response.body(), NodeCredentials.class);

        assertThat(again.nodeId()).isEqualTo(first.nodeId());
        assertThat(again.nodeSecret()).isNotEqualTo(first.nodeSecret());
        assertThat(again.gatewayToken()).isNotEqualTo(first.gatewayToken());
        assertThat(gatewayTokens.open(first.nodeId(), fixtures.single(
                "SELECT gateway_token_sealed FROM nodes WHERE id = ?", String.class, first.nodeId())))
                .isEqualTo(again.gatewayToken());
        assertThat(fixtures.column("SELECT id FROM nodes", UUID.class)).containsExactly(first.nodeId());
        assertThat(send(heartbeat(first.nodeId(), first.nodeSecret(), emptyHeartbeat())).statusCode()).isEqualTo(401);
        assertThat(send(heartbeat(first.nodeId(), again.nodeSecret(), emptyHeartbeat())).statusCode()).isEqualTo(200);
        assertThat(auditActions(first.nodeId())).containsExactly("node.register", "node.reregister");
    }

    @Test
    void aDatabaseDumpAloneYieldsNoGatewayTokenANodeWouldAccept() {
        NodeCredentials node = registerOk(registration(null, "node-a"));
        List<String> dump = new ArrayList<>();
        for (String table : fixtures.column("SELECT table_name FROM information_schema.tables "
                + "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", String.class)) {
            dump.addAll(fixtures.column("SELECT t::text FROM \"" + table + "\" t", String.class));
        }
        String sealed = fixtures.single("SELECT gateway_token_sealed FROM nodes WHERE id = ?", String.class,
                node.nodeId());

        assertThat(dump).noneMatch(row -> row.contains(node.gatewayToken()));
        // Every value in the dump tried as the key: as the old cluster key of the HMAC derivation, and as the
        // configured secret the sealing key is derived from.
        List<String> candidates = dump.stream().flatMap(row -> Arrays.stream(row.split("[^A-Za-z0-9_-]+")))
                .filter(value -> value.length() >= 16).distinct().toList();
        assertThat(candidates).isNotEmpty().allSatisfy(candidate -> {
            assertThat(hmacDerived(candidate, node.nodeId())).isNotEqualTo(node.gatewayToken());
            assertThatThrownBy(() -> new GatewayTokens(NodeTokenKey.derive(candidate)).open(node.nodeId(), sealed))
                    .isInstanceOf(IllegalArgumentException.class);
        });
    }

    /** How gateway tokens used to be made: HMAC-SHA256 of the node id with a key kept in the database. */
    private static String hmacDerived(String base64Key, UUID nodeId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getUrlDecoder().decode(base64Key), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal(("gateway:" + nodeId).getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return "not base64url";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aNodeRegisteredBeforeTokensWereSealedIsSentToRegisterAgainAndGetsOne() {
        NodeCredentials node = registerOk(registration(null, "node-a"));
        fixtures.update("UPDATE nodes SET gateway_token_sealed = NULL WHERE id = ?", node.nodeId());

        assertThat(send(heartbeat(node.nodeId(), node.nodeSecret(), emptyHeartbeat())).statusCode()).isEqualTo(401);
        HttpResponse<String> again = send(register(registration(node.nodeId(), "node-a"), JOIN_TOKEN,
                node.nodeSecret()));

        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        NodeCredentials issued = fromJson(again.body(), NodeCredentials.class);
        assertThat(send(heartbeat(node.nodeId(), issued.nodeSecret(), emptyHeartbeat())).statusCode()).isEqualTo(200);
    }

    @Test
    void anImpostorRetryingInALoopIsOneAuditRowWithACountPerWindow() {
        NodeCredentials live = registerOk(registration(null, "node-a"));

        for (int i = 0; i < 20; i++) {
            assertThat(send(register(registration(live.nodeId(), "node-a"), JOIN_TOKEN)).statusCode()).isEqualTo(409);
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(send(register(registration(null, "node-a"), JOIN_TOKEN)).statusCode()).isEqualTo(409);

        assertThat(fixtures.column("""
                SELECT CAST(detail->>'count' AS bigint) FROM audit_events WHERE action = 'node.register_refused'
                AND detail->>'name' = 'node-a' ORDER BY id""", Long.class)).containsExactly(20L, 1L);
        assertThat(fixtures.single("""
                SELECT remote_address FROM audit_events WHERE action = 'node.register_refused' ORDER BY id LIMIT 1""",
                String.class)).isEqualTo("127.0.0.1");
    }

    @Test
    void theJoinTokenAloneCannotTakeOverALiveNodeByIdOrByName() {
        String name = "node-" + UUID.randomUUID();
        String renamed = "renamed-" + UUID.randomUUID();
        NodeCredentials live = registerOk(registration(null, name));
        UUID instance = readyInstanceOn(live);
        NodeCredentials other = registerOk(registration(null, "node-b"));

        List<HttpRequest> impostors = List.of(
                register(registration(null, name), JOIN_TOKEN),
                register(registration(live.nodeId(), name), JOIN_TOKEN),
                register(registration(UUID.randomUUID(), name), JOIN_TOKEN),
                register(registration(live.nodeId(), renamed), JOIN_TOKEN),
                register(registration(null, name), JOIN_TOKEN, "a-guessed-secret"),
                // Another node's credential does not open this one either.
                register(registration(live.nodeId(), name), JOIN_TOKEN, other.nodeSecret()),
                register(registration(other.nodeId(), name), JOIN_TOKEN, other.nodeSecret()));
        for (HttpRequest impostor : impostors) {
            HttpResponse<String> response = send(impostor);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
            ErrorBody body = fromJson(response.body(), ErrorBody.class);
            assertThat(body.error()).isEqualTo("Conflict");
            assertThat(body.message()).contains("operator", "DELETE /api/v1/nodes/");
        }

        assertThat(fixtures.single("SELECT address FROM nodes WHERE id = ?", String.class, live.nodeId()))
                .isEqualTo("http://127.0.0.1:1");
        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, instance))
                .isEqualTo("READY");
        assertThat(fixtures.single("SELECT node_id FROM instances WHERE id = ?", UUID.class, instance))
                .isEqualTo(live.nodeId());
        assertThat(send(heartbeat(live.nodeId(), live.nodeSecret(), emptyHeartbeat())).statusCode()).isEqualTo(200);
        assertThat(fixtures.column("SELECT id FROM nodes", UUID.class))
                .containsExactlyInAnyOrder(live.nodeId(), other.nodeId());
        assertThat(fixtures.single("""
                SELECT CAST(sum(CAST(detail->>'count' AS bigint)) AS bigint) FROM audit_events
                WHERE action = 'node.register_refused' AND detail->>'name' IN (?, ?)""", Long.class, name, renamed)).isEqualTo(impostors.size());
    }

    @Test
    void aNodeMayAdvertiseLoopbackHereOrAnAddressInsideTheNodeNetworksOnly() {
        assertThat(send(register(at("http://localhost:8081"), JOIN_TOKEN)).statusCode()).isEqualTo(200);
        assertThat(send(register(at("http://10.20.30.40:8081"), JOIN_TOKEN)).statusCode()).isEqualTo(200);

        String name = "node-" + UUID.randomUUID();
        for (String address : List.of("http://192.0.2.10:8081", "http://[2001:db8::1]:8081",
                "http://no-such-host.invalid:8081")) {
            HttpResponse<String> response = send(register(new NodeRegistration(null, name, address, null, Map.of(),
                    4, 8L << 30, List.of(), "test"), JOIN_TOKEN));
            assertThat(response.statusCode()).as(address + ": " + response.body()).isEqualTo(400);
            ErrorBody body = fromJson(response.body(), ErrorBody.class);
            assertThat(body.detail()).singleElement().satisfies(detail -> {
                assertThat(detail.loc()).containsExactly("body", "address");
                assertThat(detail.type()).isEqualTo("value_error.address");
            });
        }
        assertThat(fixtures.column("SELECT id FROM nodes WHERE name = ?", UUID.class, name)).isEmpty();
        // One source address, one name: the three refusals are one audit row counting them.
        assertThat(fixtures.column("""
                SELECT CAST(detail->>'count' AS bigint) FROM audit_events WHERE action = 'node.register_refused'
                AND detail->>'name' = ?""", Long.class, name)).containsExactly(3L);
    }

    private static NodeRegistration at(String address) {
        return new NodeRegistration(null, "node-" + UUID.randomUUID(), address, null, Map.of(), 4, 8L << 30,
                List.of(), "test");
    }

    @Test
    void aRevokedNodeIsLockedOutAtOnceAndItsInstancesAreLost() {
        NodeCredentials node = registerOk(registration(null, "node-a"));
        UUID instance = readyInstanceOn(node);

        HttpResponse<String> revoked = call("POST", "/api/v1/nodes/" + node.nodeId() + "/revoke", login(), null);

        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, instance))
                .isEqualTo("LOST");
        assertThat(send(heartbeat(node.nodeId(), node.nodeSecret(), emptyHeartbeat())).statusCode()).isEqualTo(401);
        assertThat(send(assignmentsRequest(node, -1, 0)).statusCode()).isEqualTo(401);
        assertThat(send(register(registration(node.nodeId(), "node-a"), JOIN_TOKEN, node.nodeSecret()))
                .statusCode()).isEqualTo(409);
        assertThat(auditActions(node.nodeId())).containsExactly("node.register", "node.revoke");
    }

    @Test
    void aDeletedNodeLosesItsCredentialAndItsNameMayJoinAgain() {
        NodeCredentials node = registerOk(registration(null, "node-a"));
        UUID instance = readyInstanceOn(node);

        HttpResponse<String> deleted = call("DELETE", "/api/v1/nodes/" + node.nodeId(), login(), null);

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, instance))
                .isEqualTo("LOST");
        assertThat(send(heartbeat(node.nodeId(), node.nodeSecret(), emptyHeartbeat())).statusCode()).isEqualTo(401);
        NodeCredentials rejoined = registerOk(registration(null, "node-a"));
        assertThat(rejoined.nodeId()).isNotEqualTo(node.nodeId());
        assertThat(auditActions(node.nodeId())).containsExactly("node.register", "node.delete");
    }

    @Test
    void onlyOperatorsRevokeOrDeleteNodesAndAnUnknownNodeIs404() {
        NodeCredentials node = registerOk(registration(null, "node-a"));
        String token = login();
        assertThat(call("POST", "/api/v1/nodes/" + UUID.randomUUID() + "/revoke", token, null).statusCode())
                .isEqualTo(404);
        assertThat(call("DELETE", "/api/v1/nodes/" + UUID.randomUUID(), token, null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api/v1/nodes/" + node.nodeId(), null, null).statusCode()).isEqualTo(401);
        fixtures.update("UPDATE users SET is_operator = false WHERE lower(email) = ?", ADMIN_EMAIL);
        try {
            assertThat(call("POST", "/api/v1/nodes/" + node.nodeId() + "/revoke", token, null).statusCode())
                    .isEqualTo(403);
            assertThat(call("DELETE", "/api/v1/nodes/" + node.nodeId(), token, null).statusCode()).isEqualTo(403);
            assertThat(call("GET", "/api/v1/audit?fleet=true", token, null).statusCode()).isEqualTo(403);
        } finally {
            fixtures.update("UPDATE users SET is_operator = true WHERE lower(email) = ?", ADMIN_EMAIL);
        }
        assertThat(send(heartbeat(node.nodeId(), node.nodeSecret(), emptyHeartbeat())).statusCode()).isEqualTo(200);
    }

    @Test
    void operatorsReadRegistrationsAndRefusalsInTheFleetAuditTrail() {
        String name = "node-" + UUID.randomUUID();
        registerOk(registration(null, name));
        send(register(registration(null, name), JOIN_TOKEN));

        HttpResponse<String> trail = call("GET", "/api/v1/audit?fleet=true", login(), null);

        assertThat(trail.statusCode()).as(trail.body()).isEqualTo(200);
        List<Map<String, Object>> items = (List<Map<String, Object>>) fromJson(trail.body(), Map.class).get("items");
        assertThat(items).filteredOn(item -> name.equals(((Map<?, ?>) item.get("detail")).get("name")))
                .extracting(item -> item.get("action"))
                .containsExactly("node.register_refused", "node.register");
        assertThat(items.getFirst()).containsEntry("actor", "node " + name).containsEntry("remoteAddress",
                "127.0.0.1");
    }

    private UUID readyInstanceOn(NodeCredentials node) {
        UUID project = fixtures.project();
        var version = fixtures.modelVersion(project, new byte[]{1, 2, 3});
        UUID deployment = fixtures.cpuDeployment(project, version.id(), 1);
        reconciler.runOnce();
        UUID instance = fixtures.single("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment);
        send(heartbeat(node.nodeId(), node.nodeSecret(), new Heartbeat(
                List.of(new InstanceReport(instance, InstanceStatus.READY, null, 0)), List.of(), 0, 0, List.of(),
                List.of())));
        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, instance))
                .isEqualTo("READY");
        return instance;
    }

    private List<String> auditActions(UUID nodeId) {
        return fixtures.column("SELECT action FROM audit_events WHERE target_id = ? ORDER BY id", String.class,
                nodeId.toString());
    }

    @Test
    void heartbeatWithWrongOrMissingSecretOrAnotherNodesIdIs401() {
        NodeCredentials a = registerOk(registration(null, "node-a"));
        NodeCredentials b = registerOk(registration(null, "node-b"));

        List<HttpRequest> bad = List.of(
                heartbeat(a.nodeId(), "not-the-secret", emptyHeartbeat()),
                heartbeat(a.nodeId(), b.nodeSecret(), emptyHeartbeat()),
                HttpRequest.newBuilder(uri(path(InternalPaths.HEARTBEAT, a.nodeId())))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(toJson(emptyHeartbeat()))).build());
        for (HttpRequest request : bad) {
            HttpResponse<String> response = send(request);
            assertThat(response.statusCode()).isEqualTo(401);
            ErrorBody body = fromJson(response.body(), ErrorBody.class);
            assertThat(body.error()).isEqualTo("Unauthorized");
            assertThat(body.predictId()).isNull();
        }
    }

    @Test
    void heartbeatRecordsResourcesAndAppliesInstanceReports() {
        NodeCredentials node = registerOk(registration(null, "node-a"));
        UUID project = fixtures.project();
        var version = fixtures.modelVersion(project, new byte[]{1, 2, 3});
        UUID deployment = fixtures.cpuDeployment(project, version.id(), 1);
        reconciler.runOnce();
        UUID instance = fixtures.single("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment);

        HttpResponse<String> response = send(heartbeat(node.nodeId(), node.nodeSecret(), new Heartbeat(
                List.of(new InstanceReport(instance, InstanceStatus.READY, null, 0),
                        new InstanceReport(UUID.randomUUID(), InstanceStatus.READY, null, 0)),
                List.of(), 12.5, 1_000_000, List.of(), List.of())));

        assertThat(response.statusCode()).isEqualTo(200);
        HeartbeatAck ack = fromJson(response.body(), HeartbeatAck.class);
        assertThat(ack.assignmentsVersion()).isEqualTo(
                fixtures.single("SELECT assignments_version FROM nodes WHERE id = ?", Long.class, node.nodeId()));
        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, instance))
                .isEqualTo("READY");
        assertThat(fixtures.single("SELECT cpu_percent FROM nodes WHERE id = ?", Double.class, node.nodeId()))
                .isEqualTo(12.5);
        // The heartbeat reported no GPU any more.
        assertThat(fixtures.column("SELECT name FROM node_gpus WHERE node_id = ?", String.class, node.nodeId()))
                .isEmpty();

        send(heartbeat(node.nodeId(), node.nodeSecret(), new Heartbeat(
                List.of(new InstanceReport(instance, InstanceStatus.FAILED, "out of memory", 0)), List.of(), 0, 0, List.of(), List.of())));
        assertThat(fixtures.single("SELECT error FROM instances WHERE id = ?", String.class, instance))
                .isEqualTo("out of memory");
        assertThat(fixtures.single("SELECT attempts FROM instances WHERE id = ?", Integer.class, instance))
                .isEqualTo(1);
    }

    @Test
    void aReadyInstanceTheNodeNoLongerReportsIsScheduledAgain() {
        NodeCredentials node = registerOk(registration(null, "node-a"));
        UUID project = fixtures.project();
        UUID deployment = fixtures.cpuDeployment(project, fixtures.modelVersion(project, new byte[]{1}).id(), 1);
        reconciler.runOnce();
        UUID instance = fixtures.single("SELECT id FROM instances WHERE deployment_id = ?", UUID.class, deployment);
        send(heartbeat(node.nodeId(), node.nodeSecret(), new Heartbeat(
                List.of(new InstanceReport(instance, InstanceStatus.READY, null, 0)), List.of(), 0, 0, List.of(), List.of())));

        // The node restarted with its saved credentials and has not loaded anything yet.
        send(heartbeat(node.nodeId(), node.nodeSecret(), emptyHeartbeat()));

        assertThat(fixtures.single("SELECT status FROM instances WHERE id = ?", String.class, instance))
                .isEqualTo("SCHEDULED");
    }

    @Test
    void assignmentsLongPollReturnsTheInstanceOnceADeploymentIsPlaced() throws Exception {
        NodeCredentials node = registerOk(registration(null, "node-a"));
        Assignments initial = assignments(node, -1, 0);
        // Micronaut Serialization leaves empty lists out by default (NON_EMPTY): absent means none.
        assertThat(initial.instances()).isNullOrEmpty();

        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(
                assignmentsRequest(node, initial.version(), 20_000), HttpResponse.BodyHandlers.ofString());
        UUID project = fixtures.project();
        var version = fixtures.modelVersion(project, new byte[]{9, 8, 7, 6});
        UUID deployment = fixtures.cpuDeployment(project, version.id(), 1);
        reconciler.runOnce();

        Assignments changed = fromJson(waiting.get().body(), Assignments.class);
        assertThat(changed.version()).isGreaterThan(initial.version());
        assertThat(changed.instances()).singleElement().satisfies(assignment -> {
            assertThat(assignment.deploymentId()).isEqualTo(deployment);
            assertThat(assignment.modelVersionId()).isEqualTo(version.id());
            assertThat(assignment.modelName()).isEqualTo(version.modelName());
            assertThat(assignment.versionTag()).isEqualTo("v1");
            assertThat(assignment.artifactSha256()).isEqualTo(version.sha256());
            assertThat(assignment.artifactSize()).isEqualTo(4);
            assertThat(assignment.descriptor().task()).isEqualTo(Task.OBJECT_DETECTION);
            assertThat(assignment.descriptor().labels()).containsEntry(1, "person");
            assertThat(assignment.settings().timeoutMs()).isEqualTo(30_000);
        });
    }

    @Test
    void assignmentsAnswerAtOnceWhenTheNodeIsBehindAndRejectStrangers() {
        NodeCredentials node = registerOk(registration(null, "node-a"));
        Assignments current = assignments(node, -1, 30_000);
        assertThat(current.version()).isPositive();

        HttpResponse<String> stranger = send(HttpRequest.newBuilder(
                uri(path(InternalPaths.ASSIGNMENTS, node.nodeId()) + "?after=0&waitMs=0"))
                .header("Authorization", "Bearer nope").GET().build());
        assertThat(stranger.statusCode()).isEqualTo(401);
        assertThat(fromJson(stranger.body(), ErrorBody.class).status()).isEqualTo(401);
    }

    @Test
    void artifactsStreamOnlyToNodesThatRunThem() {
        NodeCredentials a = registerOk(registration(null, "node-a"));
        UUID project = fixtures.project();
        byte[] bytes = new byte[300_000];
        new java.util.Random(7).nextBytes(bytes);
        var version = fixtures.modelVersion(project, bytes);
        fixtures.cpuDeployment(project, version.id(), 1);
        NodeCredentials b = registerOk(registration(null, "node-b"));
        // Only node-a is fresh enough to get the instance: node-b registers after the round below.
        fixtures.update("UPDATE nodes SET state = 'CORDONED' WHERE id = ?", b.nodeId());
        reconciler.runOnce();

        HttpResponse<byte[]> ok = sendBytes(artifactRequest(version.sha256(), a.nodeSecret()));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Length")).hasValue("300000");
        assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/octet-stream"));
        assertThat(ok.body()).isEqualTo(bytes);

        assertThat(sendBytes(artifactRequest(version.sha256(), b.nodeSecret())).statusCode()).isEqualTo(404);
        assertThat(sendBytes(artifactRequest("0".repeat(64), a.nodeSecret())).statusCode()).isEqualTo(404);
        assertThat(sendBytes(artifactRequest(version.sha256(), "wrong")).statusCode()).isEqualTo(401);
    }

    // --- helpers

    static NodeRegistration registration(UUID nodeId, String name) {
        return new NodeRegistration(nodeId, name, "http://127.0.0.1:1", null, Map.of("zone", "a"), 4,
                8L << 30, List.of(new GpuInfo(0, "NVIDIA A100-SXM4-80GB", 80L << 30, "GPU-1")), "test");
    }

    static Heartbeat emptyHeartbeat() {
        return new Heartbeat(List.of(), List.of(), 0, 0, List.of(), List.of());
    }

    NodeCredentials registerOk(NodeRegistration registration) {
        HttpResponse<String> response = send(register(registration, JOIN_TOKEN));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return fromJson(response.body(), NodeCredentials.class);
    }

    HttpRequest register(NodeRegistration registration, String joinToken) {
        return register(registration, joinToken, null);
    }

    HttpRequest register(NodeRegistration registration, String joinToken, String nodeSecret) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(InternalPaths.REGISTER))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(toJson(registration)));
        if (joinToken != null) {
            builder.header(InternalPaths.JOIN_TOKEN_HEADER, joinToken);
        }
        if (nodeSecret != null) {
            builder.header("Authorization", "Bearer " + nodeSecret);
        }
        return builder.build();
    }

    HttpRequest heartbeat(UUID nodeId, String secret, Heartbeat heartbeat) {
        return HttpRequest.newBuilder(uri(path(InternalPaths.HEARTBEAT, nodeId)))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + secret)
                .POST(HttpRequest.BodyPublishers.ofString(toJson(heartbeat))).build();
    }

    HttpRequest assignmentsRequest(NodeCredentials node, long after, long waitMs) {
        return HttpRequest.newBuilder(uri(path(InternalPaths.ASSIGNMENTS, node.nodeId())
                        + "?after=" + after + "&waitMs=" + waitMs))
                .header("Authorization", "Bearer " + node.nodeSecret()).GET().build();
    }

    Assignments assignments(NodeCredentials node, long after, long waitMs) {
        HttpResponse<String> response = send(assignmentsRequest(node, after, waitMs));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return fromJson(response.body(), Assignments.class);
    }

    HttpRequest artifactRequest(String sha256, String secret) {
        return HttpRequest.newBuilder(uri(InternalPaths.ARTIFACT.replace("{sha256}", sha256)))
                .header("Authorization", "Bearer " + secret).GET().build();
    }

    HttpResponse<byte[]> sendBytes(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String path(String template, UUID nodeId) {
        return template.replace("{nodeId}", nodeId.toString());
    }
}
