package dev.kiln.controlplane.keys;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyFormatTest {

    @Test
    void aKeyShowsOnlyItsVisiblePrefixInLogs() {
        String secret = KeyFormat.newSecret();

        assertThat(KeyFormat.loggablePrefix(secret)).isEqualTo(secret.substring(0, 12)).startsWith("kiln_");
    }

    @Test
    void whatIsNotShapedLikeAKeyLogsNothingOfItself() {
        String secret = KeyFormat.newSecret();

        assertThat(KeyFormat.loggablePrefix(null)).isNull();
        assertThat(KeyFormat.loggablePrefix("eyJhbGciOiJIUzI1NiJ9.payload.signature")).isNull();
        assertThat(KeyFormat.loggablePrefix(secret + "x")).isNull();
        assertThat(KeyFormat.loggablePrefix(secret.substring(0, secret.length() - 1) + "!")).isNull();
    }
}
