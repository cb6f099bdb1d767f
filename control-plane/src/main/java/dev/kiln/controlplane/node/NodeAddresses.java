package dev.kiln.controlplane.node;

import dev.kiln.protocol.Cidr;
import io.micronaut.context.annotation.Context;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies {@link AddressRules} to a registration: resolves the advertised host and compares it with where the
 * registration came from. Created at startup so a malformed KILN_NODE_NETWORKS stops the control plane at once.
 */
@Context
class NodeAddresses {

    private final List<Cidr> networks;
    private final boolean allowLoopback;

    NodeAddresses(NodesConfig config) {
        this.networks = Objects.requireNonNullElse(config.networks(), List.<String>of()).stream()
                .filter(network -> !network.isBlank()).map(Cidr::parse).toList();
        this.allowLoopback = config.allowLoopback();
    }

    /** Why the node may not advertise this address, or empty when it may. */
    Optional<String> refusal(String advertisedUrl, String remoteAddress) {
        String host = URI.create(advertisedUrl).getHost();
        try {
            List<InetAddress> resolved = List.of(InetAddress.getAllByName(host));
            InetAddress from = InetAddress.getByName(remoteAddress);
            if (AddressRules.allowed(resolved, from, networks, allowLoopback)) {
                return Optional.empty();
            }
            return Optional.of("must resolve to the address the node registers from (" + from.getHostAddress()
                    + ") or lie in KILN_NODE_NETWORKS" + (allowLoopback ? "" : "; loopback is not allowed"));
        } catch (UnknownHostException e) {
            return Optional.of("the host " + host + " does not resolve");
        }
    }
}
