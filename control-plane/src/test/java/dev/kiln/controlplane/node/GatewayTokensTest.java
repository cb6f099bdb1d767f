package dev.kiln.controlplane.node;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayTokensTest {

    private final GatewayTokens tokens = new GatewayTokens(NodeTokenKey.derive("a-node-token-key-0123456789abcdef"));
    private final UUID node = UUID.randomUUID();

    @Test
    void newTokensAreRandom256BitValues() {
        String token = GatewayTokens.newToken();

        assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
        assertThat(GatewayTokens.newToken()).isNotEqualTo(token);
    }

    @Test
    void aSealedTokenOpensForItsNodeWithTheSameKeyOnAnyReplica() {
        String token = GatewayTokens.newToken();
        GatewayTokens otherReplica = new GatewayTokens(NodeTokenKey.derive("a-node-token-key-0123456789abcdef"));

        assertThat(otherReplica.open(node, tokens.seal(node, token))).isEqualTo(token);
    }

    @Test
    void sealingTheSameTokenTwiceGivesDifferentText() {
        String token = GatewayTokens.newToken();

        assertThat(tokens.seal(node, token)).isNotEqualTo(tokens.seal(node, token)).doesNotContain(token);
    }

    @Test
    void aSealedTokenDoesNotOpenWithAnotherKeyForAnotherNodeOrAltered() {
        String sealed = tokens.seal(node, GatewayTokens.newToken());
        GatewayTokens otherKey = new GatewayTokens(NodeTokenKey.derive("another-node-token-key-0123456789"));
        // One bit of the ciphertext flipped (not a base64 character: the last one may only carry padding bits).
        String prefix = sealed.substring(0, sealed.indexOf('.') + 1);
        byte[] raw = Base64.getUrlDecoder().decode(sealed.substring(prefix.length()));
        raw[raw.length / 2] ^= 1;
        String altered = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);

        assertThatThrownBy(() -> otherKey.open(node, sealed)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.open(UUID.randomUUID(), sealed)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.open(node, altered)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.open(node, "v1.")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.open(node, "plain-token")).isInstanceOf(IllegalArgumentException.class);
    }
}
