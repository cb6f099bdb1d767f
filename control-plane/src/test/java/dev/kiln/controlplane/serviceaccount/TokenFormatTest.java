package dev.kiln.controlplane.serviceaccount;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TokenFormatTest {

    @Test
    void aNewTokenIsTheSchemeAnd256RandomBitsAndItsPrefixIsSixteenCharacters() {
        String token = TokenFormat.newToken();

        assertThat(token).startsWith("kiln_sat_").hasSize(52).matches("kiln_sat_[A-Za-z0-9_-]{43}");
        assertThat(TokenFormat.plausible(token)).isTrue();
        assertThat(TokenFormat.prefix(token)).isEqualTo(token.substring(0, 16));
        assertThat(TokenFormat.newToken()).isNotEqualTo(token);
    }

    @Test
    void onlyTheRightShapeIsLookedUpAndOnlyTheSchemeIsClaimedFromOtherValidators() {
        assertThat(TokenFormat.plausible("kiln_sat_short")).isFalse();
        assertThat(TokenFormat.plausible("kiln_sat_" + "!".repeat(43))).isFalse();
        assertThat(TokenFormat.plausible("kiln_" + "A".repeat(47))).isFalse();
        assertThat(TokenFormat.ours("kiln_sat_short")).isTrue();
        assertThat(TokenFormat.ours("eyJhbGciOiJIUzI1NiJ9.e30.sig")).isFalse();
    }

    @Test
    void aTokenIsUsableUntilItExpiresOrIsRevoked() {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");

        assertThat(token(null, null).usable(now)).isTrue();
        assertThat(token(now.plusSeconds(1), null).usable(now)).isTrue();
        assertThat(token(now, null).usable(now)).isFalse();
        assertThat(token(null, now.minusSeconds(1)).usable(now)).isFalse();
    }

    private static ServiceAccountToken token(Instant expiresAt, Instant revokedAt) {
        return new ServiceAccountToken(UUID.randomUUID(), UUID.randomUUID(), "t", "kiln_sat_abcdefg", "hash",
                expiresAt, Instant.EPOCH, null, revokedAt);
    }
}
