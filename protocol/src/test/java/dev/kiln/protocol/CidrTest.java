package dev.kiln.protocol;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    @Test
    void cidrsMatchTheirNetworksOnlyWithTheSameFamily() {
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("10.200.3.4"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("192.168.1.128/25").contains(ip("192.168.1.200"))).isTrue();
        assertThat(Cidr.parse("192.168.1.128/25").contains(ip("192.168.1.127"))).isFalse();
        assertThat(Cidr.parse("10.0.0.0/31").contains(ip("10.0.0.1"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(ip("fd12::1"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("::1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("::1"))).as("no IPv4 network holds an IPv6 address")
                .isFalse();
    }

    @Test
    void aPlainAddressIsASingleHost() {
        assertThat(Cidr.parse("10.0.0.7").contains(ip("10.0.0.7"))).isTrue();
        assertThat(Cidr.parse("10.0.0.7").contains(ip("10.0.0.8"))).isFalse();
        assertThat(Cidr.parse("::1").contains(ip("::1"))).isTrue();
    }

    @Test
    void hostNamesAndBadPrefixesAreNotNetworks() {
        for (String bad : List.of("10.0.0.0/33", "example.com/8", "10.0.0.0/x", "", "localhost")) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Cidr.literal("localhost")).isEmpty();
    }

    private static InetAddress ip(String literal) {
        return Cidr.literal(literal).orElseThrow();
    }
}
