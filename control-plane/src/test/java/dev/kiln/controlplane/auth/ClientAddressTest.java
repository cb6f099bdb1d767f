package dev.kiln.controlplane.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAddressTest {

    private final ClientAddress behindProxies = new ClientAddress("10.0.0.0/8, fd00::/8");

    @Test
    void cidrsMatchTheirNetworksOnlyWithTheSameFamily() {
        assertThat(Cidr.parse("10.0.0.0/8").contains(Cidr.literal("10.200.3.4").orElseThrow())).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(Cidr.literal("11.0.0.1").orElseThrow())).isFalse();
        assertThat(Cidr.parse("192.168.1.128/25").contains(Cidr.literal("192.168.1.200").orElseThrow())).isTrue();
        assertThat(Cidr.parse("192.168.1.128/25").contains(Cidr.literal("192.168.1.127").orElseThrow())).isFalse();
        assertThat(Cidr.parse("fd00::/8").contains(Cidr.literal("fd12::1").orElseThrow())).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(Cidr.literal("::1").orElseThrow())).isFalse();
        assertThat(Cidr.parse("127.0.0.1").contains(Cidr.literal("127.0.0.1").orElseThrow())).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(Cidr.literal("8.8.8.8").orElseThrow())).isTrue();
    }

    @Test
    void hostNamesAndBadPrefixesAreNotNetworks() {
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Cidr.literal("localhost")).isEmpty();
    }

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
