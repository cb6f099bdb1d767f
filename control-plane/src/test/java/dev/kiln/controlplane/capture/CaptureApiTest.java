package dev.kiln.controlplane.capture;

import dev.kiln.controlplane.node.FleetFixtures;
import dev.kiln.controlplane.node.NodeRegistry;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.protocol.CaptureMetadata;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.InternalPaths;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.sql.DataSource;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data capture on the control plane: real HTTP on both listeners, real Postgres, the folder blob store. Nodes are
 * HTTP clients with real credentials posting the capture body a node sends.
 */
@MicronautTest(transactional = false)
class CaptureApiTest extends ApiTest {

    static final String GROUPS = """
            [{"name":"all","mode":"all"},{"name":"short","mode":"all","retentionDays":1}]""";
    static final Path STORE = Path.of("target", "test-captures").toAbsolutePath();
    static final int MAX_BYTES = 100_000;

    @Inject
    DataSource dataSource;
    @Inject
    NodeRegistry registry;
    @Inject
    Tenants tenants;
    @Inject
    CaptureRetention retention;

    FleetFixtures fixtures;
    NodeCredentials node;
    NodeCredentials otherNode;
    final HttpClient http = HttpClient.newHttpClient();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("kiln.scheduler.enabled", "false");
        properties.put("kiln.capture.dir", STORE.toString());
        properties.put("kiln.capture.max-bytes", Integer.toString(MAX_BYTES));
        return properties;
    }

    @BeforeAll
    void fleet() {
        clients();
        fixtures = new FleetFixtures(dataSource);
        node = FleetFixtures.admit(registry, registration("capture-node"));
        otherNode = FleetFixtures.admit(registry, registration("other-node"));
    }

    /** A deployment of the project with the capture groups above and one instance on {@link #node}. */
    record Served(UUID deploymentId, UUID instanceId, UUID modelVersionId) {
    }

    Served served(UUID projectId) {
        FleetFixtures.ModelVersionRow version = fixtures.modelVersion(projectId, UUID.randomUUID().toString()
                .getBytes());
        UUID deployment = fixtures.cpuDeployment(projectId, version.id(), 1);
        fixtures.update("UPDATE deployments SET capture_groups = ? WHERE id = ?", GROUPS, deployment);
        UUID instance = UUID.randomUUID();
        fixtures.update("INSERT INTO instances (id, deployment_id, generation, node_id, status, created_at, "
                + "updated_at) VALUES (?, ?, 1, ?, 'READY', now(), now())", instance, deployment, node.nodeId());
        return new Served(deployment, instance, version.id());
    }

    Served served() {
        return served(UUID.fromString(defaultProjectId()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCapturedPredictionIsListedWithItsPredictionsAndItsImage() {
        Served s = served();
        byte[] jpeg = jpeg(64, 48);

        HttpResponse<String> sent = send(node, metadata(s, List.of("all"), true, Instant.now()), jpeg);

        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(204);
        Api.Response page = admin.get(captures(s) + "?page=1");
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.map()).containsEntry("total", 1).containsEntry("hasMore", false);
        Map<String, Object> item = items(page).getFirst();
        assertThat(item).containsEntry("flagged", true).containsEntry("score", 0.9).containsEntry("width", 40)
                .containsEntry("groups", List.of("all")).containsEntry("contentType", "image/jpeg")
                .containsEntry("modelVersionId", s.modelVersionId().toString());
        assertThat((List<Object>) item.get("classNames")).containsExactlyInAnyOrder("person", "car");
        Api.Response one = admin.get(captures(s) + "/" + item.get("id"));
        assertThat(one.status()).isEqualTo(200);
        assertThat((List<?>) one.map().get("predictions")).hasSize(2);
        Api.Binary image = admin.getBytes(captures(s) + "/" + item.get("id") + "/image");
        assertThat(image.status()).isEqualTo(200);
        assertThat(image.contentType()).startsWith("image/jpeg");
        assertThat(image.bytes()).isEqualTo(jpeg);
    }

    @Test
    void theListFiltersByGroupFlaggedClassTimeAndModelVersion() {
        Served s = served();
        send(node, metadata(s, List.of("all"), true, Instant.now()), jpeg(8, 8));
        send(node, metadata(s, List.of("all", "short"), false, Instant.now().minusSeconds(3600)), jpeg(8, 8));

        assertThat(total(captures(s))).isEqualTo(2);
        assertThat(total(captures(s) + "?group=short")).isEqualTo(1);
        assertThat(total(captures(s) + "?flagged=true")).isEqualTo(1);
        assertThat(total(captures(s) + "?className=person")).isEqualTo(2);
        assertThat(total(captures(s) + "?className=dog")).isZero();
        assertThat(total(captures(s) + "?from=" + Instant.now().minusSeconds(600))).isEqualTo(1);
        assertThat(total(captures(s) + "?modelVersionId=" + s.modelVersionId())).isEqualTo(2);
        assertThat(total(captures(s) + "?modelVersionId=" + UUID.randomUUID())).isZero();
        assertThat(admin.get(captures(s) + "?page=0").status()).isEqualTo(400);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCocoExportHoldsEveryImageAndTheAnnotationsOfEach() throws IOException {
        Served s = served();
        for (int i = 0; i < 3; i++) {
            send(node, metadata(s, List.of("all"), i == 0, Instant.now()), jpeg(40 + i, 30));
        }

        Api.Binary zip = admin.getBytes(captures(s) + "/export?format=coco&group=all");

        assertThat(zip.status()).isEqualTo(200);
        assertThat(zip.contentType()).startsWith("application/zip");
        Map<String, byte[]> entries = unzip(zip.bytes());
        Map<String, Object> coco = json.readValue(entries.get("annotations.json"), Map.class);
        List<Map<String, Object>> images = list(coco.get("images"));
        List<Map<String, Object>> annotations = list(coco.get("annotations"));
        assertThat(entries.keySet().stream().filter(n -> n.startsWith("images/"))).hasSize(3);
        assertThat(images).hasSize(3).allSatisfy(i -> assertThat(entries).containsKey((String) i.get("file_name")));
        Set<Object> imageIds = new HashSet<>();
        images.forEach(i -> imageIds.add(i.get("id")));
        Set<Object> annotated = new HashSet<>();
        annotations.forEach(a -> annotated.add(a.get("image_id")));
        assertThat(annotated).isEqualTo(imageIds);
        assertThat(annotations).hasSize(6);
        assertThat(list(coco.get("categories"))).extracting(c -> c.get("name")).containsExactly("person", "car");
        Map<String, Object> box = annotations.getFirst();
        assertThat((List<Object>) box.get("bbox")).containsExactly(4.0, 3.0, 16.0, 7.5);
        assertThat((List<?>) annotations.get(1).get("segmentation")).hasSize(1);
        assertThat(admin.get(captures(s) + "/export?format=voc").status()).isEqualTo(400);
    }

    @Test
    void anotherTenantGets404AndAViewerReadsButCannotDelete() {
        Served s = served();
        send(node, metadata(s, List.of("all"), true, Instant.now()), jpeg(8, 8));
        String id = items(admin.get(captures(s))).getFirst().get("id").toString();
        Tenants.Tenant other = tenants.create(Role.OWNER);
        Api stranger = anonymous.login(other.user().email(), Tenants.PASSWORD);
        String orgId = admin.get("/api/v1/organizations").list().getFirst().get("id").toString();
        Api viewer = anonymous.login(tenants.user(UUID.fromString(orgId), Role.VIEWER).email(), Tenants.PASSWORD);

        for (String path : List.of(captures(s), captures(s) + "/" + id, captures(s) + "/export")) {
            assertThat(stranger.get(path).status()).as(path).isEqualTo(404);
        }
        assertThat(stranger.getBytes(captures(s) + "/" + id + "/image").status()).isEqualTo(404);
        assertThat(stranger.delete(captures(s) + "/" + id).status()).isEqualTo(404);
        assertThat(anonymous.get(captures(s)).status()).isEqualTo(401);
        assertThat(viewer.get(captures(s)).status()).isEqualTo(200);
        Api.Response refused = viewer.delete(captures(s) + "/" + id);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.map()).containsKeys("status", "error", "message", "detail");
        assertThat(total(captures(s))).isEqualTo(1);
    }

    @Test
    void aMemberDeletesOneCaptureOrAllThatMatchAFilterWithTheirImages() throws IOException {
        Served s = served();
        for (int i = 0; i < 3; i++) {
            send(node, metadata(s, List.of("all"), i == 0, Instant.now()), jpeg(8, 8));
        }
        String flaggedId = items(admin.get(captures(s) + "?flagged=true")).getFirst().get("id").toString();

        assertThat(admin.delete(captures(s) + "/" + flaggedId).status()).isEqualTo(204);
        assertThat(admin.get(captures(s) + "/" + flaggedId).status()).isEqualTo(404);
        assertThat(admin.getBytes(captures(s) + "/" + flaggedId + "/image").status()).isEqualTo(404);
        Api.Response matching = admin.delete(captures(s) + "?flagged=false");
        assertThat(matching.status()).as(matching.body()).isEqualTo(200);
        assertThat(matching.map()).containsEntry("deleted", 2);
        assertThat(total(captures(s))).isZero();
        assertThat(storedBlobs(s.deploymentId())).isEmpty();
    }

    /** The blobs the store holds for a deployment (their keys hold its id). */
    List<String> storedBlobs(UUID deploymentId) throws IOException {
        try (var files = Files.walk(STORE)) {
            return files.filter(f -> f.toString().contains(deploymentId.toString()) && Files.isRegularFile(f))
                    .map(Path::toString).toList();
        }
    }

    @Test
    void aNodeCapturesOnlyForItsOwnInstancesIntoTheDeploymentsGroupsWithImagesWithinTheLimit() {
        Served s = served();
        CaptureMetadata meta = metadata(s, List.of("all"), true, Instant.now());

        assertThat(send(null, meta, jpeg(8, 8)).statusCode()).isEqualTo(401);
        assertThat(send(otherNode, meta, jpeg(8, 8)).statusCode()).isEqualTo(404);
        assertThat(send(node, metadata(s, List.of("nope"), true, Instant.now()), jpeg(8, 8)).statusCode())
                .isEqualTo(409);
        assertThat(send(node, meta, "not an image".getBytes()).statusCode()).isEqualTo(415);
        HttpResponse<String> tooLarge = send(node, meta, new byte[MAX_BYTES + 1]);
        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
        assertThat(post(node, ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).array()).statusCode()).isEqualTo(400);
        assertThat(post(node, ByteBuffer.allocate(8).putInt(4).put("{x:".getBytes()).array()).statusCode())
                .isEqualTo(400);
        assertThat(total(captures(s))).isZero();
    }

    @Test
    void overTheOrganizationsCaptureQuotaACaptureIsRefusedAndNothingIsWritten() {
        Tenants.Tenant tenant = tenants.create(Role.OWNER);
        Served s = served(tenant.project().id());
        fixtures.update("INSERT INTO organization_quotas (organization_id, capture_storage_bytes, updated_at) "
                + "VALUES (?, 1000, now())", tenant.organization().id());

        HttpResponse<String> refused = send(node, metadata(s, List.of("all"), true, Instant.now()), jpeg(200, 200));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("captureStorageBytes");
        Api owner = anonymous.login(tenant.user().email(), Tenants.PASSWORD);
        assertThat(owner.get(captures(s)).map()).containsEntry("total", 0);
        assertThat(owner.get("/api/v1/organizations/" + tenant.organization().id() + "/quotas").body())
                .contains("captureStorageBytes");
    }

    @Test
    void retentionDeletesExpiredCapturesAndThoseOfDeletedDeploymentsButKeepsTheRest() {
        Served s = served();
        Served gone = served();
        Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2));
        send(node, metadata(s, List.of("short"), false, twoDaysAgo), jpeg(8, 8));
        send(node, metadata(s, List.of("all"), true, twoDaysAgo), jpeg(8, 8));
        send(node, metadata(gone, List.of("all"), true, Instant.now()), jpeg(8, 8));
        fixtures.update("DELETE FROM instances WHERE deployment_id = ?", gone.deploymentId());
        fixtures.update("DELETE FROM deployments WHERE id = ?", gone.deploymentId());

        assertThat(retention.purge()).isGreaterThanOrEqualTo(2);

        Api.Response left = admin.get(captures(s));
        assertThat(items(left)).singleElement().satisfies(c -> assertThat(c).containsEntry("groups",
                List.of("all")));
        assertThat(fixtures.single("SELECT count(*) FROM captures WHERE deployment_id = ?", Long.class,
                gone.deploymentId())).isZero();
    }

    @Test
    void captureGroupsAreADeploymentSettingValidatedOnCreateAndPatch() {
        String projectId = defaultProjectId();
        String version = fixtures.modelVersion(UUID.fromString(projectId), UUID.randomUUID().toString().getBytes())
                .id().toString();
        Api.Response created = admin.post("/api/v1/projects/" + projectId + "/deployments", Map.of("name",
                "capture-" + UUID.randomUUID(), "modelVersionId", version, "captureGroups", List.of(
                        Map.of("name", "uncertain", "mode", "flagged"),
                        Map.of("name", "tenth", "mode", "sample", "rate", 0.1, "retentionDays", 7))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(list(created.map().get("captureGroups"))).hasSize(2);
        String id = created.get("id");

        Api.Response badRate = admin.patch("/api/v1/deployments/" + id, Map.of("captureGroups", List.of(
                Map.of("name", "a", "mode", "sample", "rate", 1.5))));
        Api.Response twice = admin.patch("/api/v1/deployments/" + id, Map.of("captureGroups", List.of(
                Map.of("name", "a", "mode", "all"), Map.of("name", "a", "mode", "flagged"))));
        Api.Response unknown = admin.patch("/api/v1/deployments/" + id, Map.of("captureGroups", List.of(
                Map.of("name", "a", "mode", "all", "retention", 3))));
        Api.Response cleared = admin.patch("/api/v1/deployments/" + id, Map.of("captureGroups", List.of()));

        assertThat(badRate.status()).isEqualTo(400);
        assertThat(badRate.body()).contains("captureGroups[0].rate");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.body()).contains("captureGroups[1].name");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("retention");
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(list(cleared.map().get("captureGroups"))).isEmpty();
        assertThat(list(admin.get("/api/v1/deployments/" + id).map().get("captureGroups"))).isEmpty();
    }

    private long total(String path) {
        Api.Response r = admin.get(path);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return ((Number) r.map().get("total")).longValue();
    }

    private static String captures(Served s) {
        return "/api/v1/deployments/" + s.deploymentId() + "/captures";
    }

    static CaptureMetadata metadata(Served s, List<String> groups, boolean flagged, Instant at) {
        var person = new CaptureMetadata.Annotation(List.of(List.of(0.1, 0.1), List.of(0.1, 0.35),
                List.of(0.5, 0.35), List.of(0.5, 0.1)), "rectangle", 0.9, new CaptureMetadata.Tag(1, "person"),
                null, null);
        var car = new CaptureMetadata.Annotation(List.of(List.of(0.5, 0.5), List.of(0.5, 0.9), List.of(0.9, 0.9),
                List.of(0.9, 0.5)), "masks", 0.6, new CaptureMetadata.Tag(3, "car"), "polygon",
                List.of(List.of(0.5, 0.5), List.of(0.9, 0.5), List.of(0.7, 0.9)));
        return new CaptureMetadata(s.instanceId(), s.deploymentId(), s.modelVersionId(), groups, flagged,
                flagged ? 0.9 : 0.1, "kiln_abc", at, "image/jpeg", 40, 30, new ArrayList<>(List.of(person, car)));
    }

    HttpResponse<String> send(NodeCredentials as, CaptureMetadata meta, byte[] image) {
        try {
            byte[] head = json.writeValueAsBytes(meta);
            return post(as, ByteBuffer.allocate(4 + head.length + image.length).putInt(head.length).put(head)
                    .put(image).array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<String> post(NodeCredentials as, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(internalUrl() + InternalPaths.CAPTURES))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (as != null) {
            request.header("Authorization", "Bearer " + as.nodeSecret());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static byte[] jpeg(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff8800);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static NodeRegistration registration(String name) {
        return new NodeRegistration(null, name + "-" + UUID.randomUUID(), "http://127.0.0.1:1", null, Map.of(), 4,
                8L << 30, List.<GpuInfo>of(), "test");
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static List<Map<String, Object>> items(Api.Response page) {
        return list(page.map().get("items"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }
}
