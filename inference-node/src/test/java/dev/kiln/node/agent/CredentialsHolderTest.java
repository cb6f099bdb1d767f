package dev.kiln.node.agent;

import dev.kiln.node.testing.ManualClock;
import dev.kiln.protocol.NodeCredentials;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialsHolderTest {

    private static final Duration GRACE = Duration.ofSeconds(15);
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final CredentialsHolder holder = new CredentialsHolder(clock, config());
    private final UUID nodeId = UUID.randomUUID();

    @Test
    void theIssuedTokenIsAcceptedAndOnlyItsHashIsKept() {
        SavedCredentials saved = holder.issued(new NodeCredentials(nodeId, "secret", "token-1", 2000));

        assertThat(accepts("token-1")).isTrue();
        assertThat(accepts("token-2")).isFalse();
        assertThat(holder.current().orElseThrow().gatewayToken()).isNull();
        assertThat(saved.gatewayTokenSha256()).isEqualTo(HexFormat.of().formatHex(CredentialsHolder.sha256("token-1")))
                .doesNotContain("token-1");
        assertThat(saved.nodeSecret()).isEqualTo("secret");
    }

    @Test
    void theReplacedTokenIsAcceptedDuringTheGraceAndRefusedAfterIt() {
        holder.issued(new NodeCredentials(nodeId, "secret-1", "token-1", 2000));
        holder.issued(new NodeCredentials(nodeId, "secret-2", "token-2", 2000));

        assertThat(accepts("token-2")).isTrue();
        assertThat(accepts("token-1")).isTrue();
        clock.advance(GRACE.minusMillis(1));
        assertThat(accepts("token-1")).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(accepts("token-1")).isFalse();
        assertThat(accepts("token-2")).isTrue();
    }

    @Test
    void onlyTheTokenBeforeTheLatestRegistrationHasAGrace() {
        holder.issued(new NodeCredentials(nodeId, "secret-1", "token-1", 2000));
        holder.issued(new NodeCredentials(nodeId, "secret-2", "token-2", 2000));
        holder.issued(new NodeCredentials(nodeId, "secret-3", "token-3", 2000));

        assertThat(accepts("token-1")).isFalse();
        assertThat(accepts("token-2")).isTrue();
        assertThat(accepts("token-3")).isTrue();
    }

    @Test
    void savedCredentialsRestoreTheTokenTheyHashedAndNothingElse() {
        SavedCredentials saved = holder.issued(new NodeCredentials(nodeId, "secret", "token-1", 2000));
        CredentialsHolder restarted = new CredentialsHolder(clock, config());

        restarted.restored(saved);

        assertThat(restarted.acceptsGatewayToken(CredentialsHolder.sha256("token-1"))).isTrue();
        assertThat(restarted.acceptsGatewayToken(CredentialsHolder.sha256("token-2"))).isFalse();
        assertThat(restarted.current().orElseThrow().nodeId()).isEqualTo(nodeId);
    }

    @Test
    void nothingIsAcceptedBeforeRegistration() {
        assertThat(accepts("token-1")).isFalse();
        assertThat(accepts("")).isFalse();
    }

    private static NodeConfig config() {
        return new NodeConfig("http://127.0.0.1:8070", null, null, null, null, null, null, null, false, null, GRACE,
                Duration.ofSeconds(3), Duration.ofSeconds(15), Duration.ofSeconds(25));
    }

    private boolean accepts(String token) {
        return holder.acceptsGatewayToken(CredentialsHolder.sha256(token));
    }
}
