package dev.kiln.controlplane.node;

import dev.kiln.protocol.Cidr;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AddressRulesTest {

    private static final InetAddress FROM = ip("192.168.1.20");
    private static final List<Cidr> NETWORKS = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));

    @Test
    void aNodeMayAdvertiseTheAddressItRegisteredFrom() {
        assertThat(AddressRules.allowed(List.of(ip("192.168.1.20")), FROM, List.of(), false)).isTrue();
    }

    @Test
    void anotherAddressIsAllowedOnlyInsideTheConfiguredNetworks() {
        assertThat(AddressRules.allowed(List.of(ip("10.1.2.3")), FROM, NETWORKS, false)).isTrue();
        assertThat(AddressRules.allowed(List.of(ip("fd12::1")), FROM, NETWORKS, false)).isTrue();
        assertThat(AddressRules.allowed(List.of(ip("192.168.1.21")), FROM, NETWORKS, false)).isFalse();
        assertThat(AddressRules.allowed(List.of(ip("11.0.0.1")), FROM, NETWORKS, false)).isFalse();
        assertThat(AddressRules.allowed(List.of(ip("10.1.2.3")), FROM, List.of(), false)).isFalse();
    }

    @Test
    void everyResolvedAddressMustPassAndNoneIsNotEnough() {
        assertThat(AddressRules.allowed(List.of(ip("10.1.2.3"), ip("8.8.8.8")), FROM, NETWORKS, false)).isFalse();
        assertThat(AddressRules.allowed(List.of(), FROM, NETWORKS, true)).isFalse();
    }

    @Test
    void loopbackIsAllowedOnlyWhenConfiguredEvenFromLoopback() {
        InetAddress loopback = ip("127.0.0.1");
        assertThat(AddressRules.allowed(List.of(loopback), loopback, List.of(), false)).isFalse();
        assertThat(AddressRules.allowed(List.of(ip("127.0.0.3")), FROM, List.of(), true)).isTrue();
        assertThat(AddressRules.allowed(List.of(ip("::1")), FROM, List.of(Cidr.parse("::/0")), false)).isFalse();
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
