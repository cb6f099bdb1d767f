package dev.kiln.controlplane.keys;

import dev.kiln.controlplane.audit.AuditEventRepository;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class KeyRotationTest extends ApiTest {

    @Inject
    KeyVerifier verifier;
    @Inject
    AuditEventRepository audit;
    @Inject
    Tenants tenants;

    private Api.Response create(String name) {
        Api.Response created = admin.post("/api/v1/projects/" + defaultProjectId() + "/keys", Map.of("name", name));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created;
    }

    @Test
    void rotationWithGraceShowsTheNewSecretOnceAndKeepsBothWorkingMeanwhile() {
        Api.Response created = create("rotate-with-grace");
        String old = created.get("secret");

        Api.Response rotated = admin.post("/api/v1/keys/" + created.get("id") + "/rotate", Map.of("graceSeconds", 3600));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String fresh = rotated.get("secret");
        assertThat(fresh).startsWith("kiln_").isNotEqualTo(old);
        assertThat(rotated.map()).containsEntry("id", created.get("id")).containsEntry("prefix", fresh.substring(0, 12))
                .containsEntry("status", "ROTATING").containsKeys("rotatedAt", "previousValidUntil");
        assertThat(Instant.parse(rotated.get("previousValidUntil")))
                .isCloseTo(Instant.now().plus(1, ChronoUnit.HOURS), org.assertj.core.api.Assertions.within(5, ChronoUnit.MINUTES));
        assertThat(verifier.verify(fresh)).isPresent();
        assertThat(verifier.verify(old)).as("the old secret works during its grace").isPresent();
        Api.Response list = admin.get("/api/v1/projects/" + defaultProjectId() + "/keys");
        assertThat(list.body()).doesNotContain(fresh).doesNotContain(old);
        assertThat(list.list()).anySatisfy(k -> assertThat(k).containsEntry("id", created.get("id"))
                .containsEntry("status", "ROTATING"));
    }

    @Test
    void rotationWithoutGraceRefusesTheOldSecretAtOnce() {
        Api.Response created = create("rotate-now");
        String old = created.get("secret");

        Api.Response rotated = admin.post("/api/v1/keys/" + created.get("id") + "/rotate", Map.of("graceSeconds", 0));

        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.map()).containsEntry("status", "ACTIVE");
        assertThat(verifier.verify(old)).isEmpty();
        assertThat(verifier.verify(rotated.get("secret"))).isPresent();
    }

    @Test
    void aRevokedKeyCannotBeRotatedAndRevokingDuringGraceRefusesBothSecrets() {
        Api.Response created = create("revoke-in-grace");
        String old = created.get("secret");
        String fresh = admin.post("/api/v1/keys/" + created.get("id") + "/rotate", Map.of("graceSeconds", 3600))
                .get("secret");

        assertThat(admin.delete("/api/v1/keys/" + created.get("id")).status()).isEqualTo(204);

        assertThat(verifier.verify(old)).isEmpty();
        assertThat(verifier.verify(fresh)).isEmpty();
        assertThat(admin.post("/api/v1/keys/" + created.get("id") + "/rotate", Map.of("graceSeconds", 0)).status())
                .isEqualTo(409);
    }

    @Test
    void aNegativeOrHugeGraceIs400() {
        String id = create("bad-grace").get("id");

        Api.Response negative = admin.post("/api/v1/keys/" + id + "/rotate", Map.of("graceSeconds", -1));
        Api.Response huge = admin.post("/api/v1/keys/" + id + "/rotate", Map.of("graceSeconds", 999_999_999));

        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.body()).contains("\"loc\":[\"body\",\"graceSeconds\"]");
        assertThat(huge.status()).isEqualTo(400);
    }

    @Test
    void onlyAdminsRotateAndAnotherTenantsKeyIs404() {
        String id = create("guarded").get("id");
        UUID orgId = UUID.fromString(admin.get("/api/v1/projects/" + defaultProjectId()).get("organizationId"));
        Api member = anonymous.login(tenants.user(orgId, Role.MEMBER).email(), Tenants.PASSWORD);
        Api stranger = anonymous.login(tenants.create(Role.OWNER).user().email(), Tenants.PASSWORD);

        assertThat(member.post("/api/v1/keys/" + id + "/rotate", Map.of("graceSeconds", 0)).status()).isEqualTo(403);
        assertThat(stranger.post("/api/v1/keys/" + id + "/rotate", Map.of("graceSeconds", 0)).status()).isEqualTo(404);
    }

    @Test
    void createRotateAndRevokeAreAuditedWithoutAnySecret() {
        Api.Response created = create("audited");
        String id = created.get("id");
        String fresh = admin.post("/api/v1/keys/" + id + "/rotate", Map.of("graceSeconds", 60)).get("secret");
        admin.delete("/api/v1/keys/" + id);

        var events = audit.findByTargetIdOrderById(id);

        assertThat(events).extracting(e -> e.action()).containsExactly("key.create", "key.rotate", "key.revoke");
        assertThat(events).allSatisfy(e -> assertThat(e.detail())
                .doesNotContain(created.get("secret")).doesNotContain(fresh)
                .doesNotContain(dev.kiln.controlplane.common.Secrets.sha256Hex(fresh)));
    }
}
