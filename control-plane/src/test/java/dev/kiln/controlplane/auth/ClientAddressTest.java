package dev.kiln.controlplane.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressTest {

    private final ClientAddress behindProxies = new ClientAddress("10.0.0.0/8, fd00::/8");

    @Test
    void forwardedForIsIgnoredUnlessThePeerIsATrustedProxy() {
        assertThat(behindProxies.resolve("203.0.113.9", List.of("1.2.3.4"))).isEqualTo("203.0.113.9");
        assertThat(new ClientAddress("").resolve("10.0.0.1", List.of("1.2.3.4"))).isEqualTo("10.0.0.1");
    }

    @Test
    void behindTrustedProxiesTheRightmostUntrustedHopIsTheClient() {
        assertThat(behindProxies.resolve("10.0.0.1", List.of("6.6.6.6, 1.2.3.4, 10.0.0.7"))).isEqualTo("1.2.3.4");
        assertThat(behindProxies.resolve("10.0.0.1", List.of("6.6.6.6", "1.2.3.4"))).isEqualTo("1.2.3.4");
        assertThat(behindProxies.resolve("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
        assertThat(behindProxies.resolve("10.0.0.1", List.of("not-an-ip"))).isEqualTo("10.0.0.1");
    }
}
