package dev.kiln.controlplane.node;

import dev.kiln.controlplane.common.Secrets;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RegistrationRulesTest {

    private static final String SECRET = "the-node-secret";
    private final Node live = node("node-a", Secrets.sha256Hex(SECRET));
    private final Node other = node("node-b", Secrets.sha256Hex("other-secret"));

    @Test
    void aNewNameIsAdmittedWithTheJoinTokenAlone() {
        assertThat(RegistrationRules.refusal("node-new", Optional.empty(), Optional.empty(), null)).isEmpty();
    }

    @Test
    void anExistingNodeIsAdmittedOnlyWithItsOwnCurrentSecret() {
        assertThat(RegistrationRules.refusal("node-a", Optional.of(live), Optional.of(live), SECRET)).isEmpty();
        assertThat(RegistrationRules.refusal("node-a", Optional.empty(), Optional.of(live), SECRET)).isEmpty();
        for (String presented : new String[]{null, "", "wrong", "other-secret"}) {
            assertThat(RegistrationRules.refusal("node-a", Optional.empty(), Optional.of(live), presented))
                    .as(presented).get().asString().contains("must be deleted by an operator");
            assertThat(RegistrationRules.refusal("renamed", Optional.of(live), Optional.empty(), presented))
                    .as(presented).isPresent();
        }
    }

    @Test
    void aNodeCannotTakeTheNameOfAnotherEvenWithItsOwnSecret() {
        assertThat(RegistrationRules.refusal("node-b", Optional.of(live), Optional.of(other), SECRET))
                .get().asString().contains("belongs to another node");
    }

    @Test
    void aRevokedNodeMatchesNoSecret() {
        Node revoked = node("node-a", "revoked");
        assertThat(RegistrationRules.holdsCredential(revoked, "revoked")).isFalse();
        assertThat(RegistrationRules.refusal("node-a", Optional.of(revoked), Optional.of(revoked), SECRET))
                .isPresent();
    }

    private static Node node(String name, String secretHash) {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        return new Node(UUID.randomUUID(), name, "http://10.0.0.1:8081", secretHash, NodeState.READY, null, "{}", 4,
                1L << 30, "test", null, null, now, now, 1L, null, null);
    }
}
