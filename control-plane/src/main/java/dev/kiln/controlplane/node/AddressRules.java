package dev.kiln.controlplane.node;

import dev.kiln.protocol.Cidr;

import java.net.InetAddress;
import java.util.List;

/**
 * Where a node may say it is reachable. The gateway sends prediction bodies (and the node's gateway token) to that
 * address, so a node may only name the address it registered from or one inside the operator's node networks;
 * loopback only when the operator allows it (a local run, tests).
 */
final class AddressRules {

    private AddressRules() {
    }

    /**
     * @param advertised every address the node's advertised host resolves to; all must pass
     * @param from       the address the registration came from
     */
    static boolean allowed(List<InetAddress> advertised, InetAddress from, List<Cidr> networks,
                           boolean allowLoopback) {
        return !advertised.isEmpty() && advertised.stream().allMatch(address -> address.isLoopbackAddress()
                ? allowLoopback
                : address.equals(from) || networks.stream().anyMatch(network -> network.contains(address)));
    }
}
