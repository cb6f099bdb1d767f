package dev.kiln.controlplane.keys;

import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class KeyApiTest extends ApiTest {

    @Inject
    KeyVerifier verifier;
    @Inject
    ProjectKeyRepository keys;
    @Inject
    Tenants tenants;

    @Test
    void aNewKeyShowsItsSecretOnceAndTheListNeverDoes() {
        String projectId = defaultProjectId();

        Api.Response created = admin.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "ci"));
        Api.Response list = admin.get("/api/v1/projects/" + projectId + "/keys");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String secret = created.get("secret");
        assertThat(secret).startsWith("kiln_").hasSize(48);
        assertThat(created.map()).containsEntry("projectId", projectId).containsEntry("name", "ci")
                .containsEntry("prefix", secret.substring(0, 12)).containsEntry("status", "ACTIVE")
                .containsEntry("createdByEmail", ADMIN_EMAIL).containsKeys("id", "createdAt", "createdBy");
        assertThat(list.list()).anySatisfy(k -> assertThat(k).containsEntry("id", created.get("id"))
                .containsEntry("createdByEmail", ADMIN_EMAIL));
        assertThat(list.list()).allSatisfy(k -> assertThat(k).doesNotContainKeys("secret", "secretHash"));
        assertThat(list.body()).doesNotContain(secret).doesNotContain(Secrets.sha256Hex(secret));
    }

    @Test
    void theVerifierAcceptsANewSecretAndRefusesItOnceRevoked() {
        String projectId = defaultProjectId();
        Api.Response created = admin.post("/api/v1/projects/" + projectId + "/keys",
                Map.of("name", "to-revoke", "rateLimitPerSecond", 5));
        String secret = created.get("secret");

        assertThat(verifier.verify(secret)).hasValueSatisfying(k -> {
            assertThat(k.keyId().toString()).isEqualTo(created.get("id"));
            assertThat(k.projectId().toString()).isEqualTo(projectId);
            assertThat(k.prefix()).isEqualTo(secret.substring(0, 12));
            assertThat(k.deploymentIds()).isNull();
            assertThat(k.rateLimitPerSecond()).isEqualTo(5);
        });

        verifier.resync();
        assertThat(keys.findById(UUID.fromString(created.get("id"))).orElseThrow().lastUsedAt())
                .as("the verified call is recorded as the key's last use").isNotNull();

        Api.Response revoked = admin.delete("/api/v1/keys/" + created.get("id"));

        assertThat(revoked.status()).isEqualTo(204);
        assertThat(verifier.verify(secret)).isEmpty();
        assertThat(admin.get("/api/v1/projects/" + projectId + "/keys").list())
                .anySatisfy(k -> assertThat(k).containsEntry("id", created.get("id")).containsEntry("status", "REVOKED"));
    }

    @Test
    void keysWithoutTheirOwnLimitInheritTheProjectDefaultAndAnOwnLimitOverridesIt() {
        String orgId = String.valueOf(admin.get("/api/v1/organizations").list().getFirst().get("id"));
        String projectId = admin.post("/api/v1/organizations/" + orgId + "/projects",
                Map.of("name", "limited-" + UUID.randomUUID().toString().substring(0, 8))).get("id");
        String inherits = admin.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "inherits")).get("secret");
        String own = admin.post("/api/v1/projects/" + projectId + "/keys",
                Map.of("name", "own", "rateLimitPerSecond", 3)).get("secret");
        assertThat(verifier.verify(inherits)).hasValueSatisfying(k -> assertThat(k.rateLimitPerSecond()).isNull());

        Api.Response limited = admin.patch("/api/v1/projects/" + projectId, Map.of("defaultRateLimitPerSecond", 7));

        assertThat(limited.status()).as(limited.body()).isEqualTo(200);
        assertThat(verifier.verify(inherits)).hasValueSatisfying(k -> assertThat(k.rateLimitPerSecond()).isEqualTo(7));
        assertThat(verifier.verify(own)).hasValueSatisfying(k -> assertThat(k.rateLimitPerSecond()).isEqualTo(3));
    }

    @Test
    void theVerifierRefusesRandomAndMalformedSecrets() {
        assertThat(verifier.verify(KeyFormat.newSecret())).isEmpty();
        assertThat(verifier.verify("kiln_short")).isEmpty();
        assertThat(verifier.verify("")).isEmpty();
        assertThat(verifier.verify(null)).isEmpty();
    }

    @Test
    void theVerifierRefusesAnExpiredKey() {
        String secret = KeyFormat.newSecret();
        Instant past = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS);
        keys.save(new ProjectKey(UUID.randomUUID(), UUID.fromString(defaultProjectId()), "expired",
                KeyFormat.prefix(secret), Secrets.sha256Hex(secret), null, null, null, past, null, null,
                past.minus(1, ChronoUnit.DAYS), null, null, null));
        verifier.reload();

        assertThat(verifier.verify(secret)).isEmpty();
    }

    @Test
    void aRotatedOutSecretWorksOnlyUntilItsGraceEnds() {
        String oldInGrace = KeyFormat.newSecret();
        String oldPastGrace = KeyFormat.newSecret();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID projectId = UUID.fromString(defaultProjectId());
        for (var old : List.of(Map.entry(oldInGrace, now.plus(1, ChronoUnit.HOURS)),
                Map.entry(oldPastGrace, now.minus(1, ChronoUnit.MINUTES)))) {
            String current = KeyFormat.newSecret();
            keys.save(new ProjectKey(UUID.randomUUID(), projectId, "rotated", KeyFormat.prefix(current),
                    Secrets.sha256Hex(current), Secrets.sha256Hex(old.getKey()), old.getValue(), null, null, null,
                    null, now, now, null, null));
        }
        verifier.reload();

        assertThat(verifier.verify(oldInGrace)).isPresent();
        assertThat(verifier.verify(oldPastGrace)).isEmpty();
    }

    @Test
    void aKeyScopedToDeploymentsCarriesThemAndForeignDeploymentsAre400() {
        String projectId = defaultProjectId();
        Api.Response foreign = admin.post("/api/v1/projects/" + projectId + "/keys",
                Map.of("name", "scoped", "deploymentIds", List.of(UUID.randomUUID())));

        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.body()).contains("\"loc\":[\"body\",\"deploymentIds\"]");
        assertThat(admin.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "empty-scope",
                "deploymentIds", List.of())).status()).isEqualTo(201);
    }

    @Test
    void aScopedKeyRestrictsTheVerifiedKey() {
        String secret = KeyFormat.newSecret();
        UUID deployment = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        keys.save(new ProjectKey(UUID.randomUUID(), UUID.fromString(defaultProjectId()), "scoped-row",
                KeyFormat.prefix(secret), Secrets.sha256Hex(secret), null, null, Set.of(deployment), null, null, null,
                now, null, null, null));
        verifier.reload();

        VerifiedKey key = verifier.verify(secret).orElseThrow();

        assertThat(key.deploymentIds()).containsExactly(deployment);
        assertThat(key.allows(deployment)).isTrue();
        assertThat(key.allows(UUID.randomUUID())).isFalse();
    }

    @Test
    void anExpiryInThePastOrAMissingNameIs400() {
        Api.Response r = admin.post("/api/v1/projects/" + defaultProjectId() + "/keys",
                Map.of("expiresAt", Instant.now().minus(1, ChronoUnit.DAYS).toString()));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("\"loc\":[\"body\",\"expiresAt\"]").contains("\"loc\":[\"body\",\"name\"]");
    }

    @Test
    void aMemberMayListKeysButOnlyAdminsCreateOrRevokeThem() {
        String projectId = defaultProjectId();
        UUID orgId = UUID.fromString(admin.get("/api/v1/projects/" + projectId).get("organizationId"));
        Api member = anonymous.login(tenants.user(orgId, Role.MEMBER).email(), Tenants.PASSWORD);
        String keyId = admin.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "admins-only")).get("id");

        assertThat(member.get("/api/v1/projects/" + projectId + "/keys").status()).isEqualTo(200);
        assertThat(member.post("/api/v1/projects/" + projectId + "/keys", Map.of("name", "nope")).status()).isEqualTo(403);
        assertThat(member.delete("/api/v1/keys/" + keyId).status()).isEqualTo(403);
    }

    @Test
    void anotherTenantsKeyIs404() {
        String keyId = admin.post("/api/v1/projects/" + defaultProjectId() + "/keys", Map.of("name", "private")).get("id");
        Tenants.Tenant other = tenants.create(Role.OWNER);
        Api stranger = anonymous.login(other.user().email(), Tenants.PASSWORD);

        assertThat(stranger.delete("/api/v1/keys/" + keyId).status()).isEqualTo(404);
        assertThat(stranger.get("/api/v1/projects/" + defaultProjectId() + "/keys").status()).isEqualTo(404);
    }
}
