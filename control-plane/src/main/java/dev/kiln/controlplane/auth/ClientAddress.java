package dev.kiln.controlplane.auth;

import dev.kiln.protocol.Cidr;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The client's address for throttling and audit. {@code X-Forwarded-For} is anyone's to write, so it is believed
 * only when the connection comes from a trusted proxy (KILN_TRUSTED_PROXIES, comma-separated CIDRs), and then read
 * from the right: the first entry that is not itself a trusted proxy is the client.
 */
@Singleton
public class ClientAddress {

    private final List<Cidr> trusted;

    ClientAddress(@Value("${kiln.auth.trusted-proxies:}") String trustedProxies) {
        this.trusted = Arrays.stream(trustedProxies.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Cidr::parse).toList();
    }

    public String of(HttpRequest<?> request) {
        String peer = request.getRemoteAddress().getAddress() == null ? request.getRemoteAddress().getHostString()
                : request.getRemoteAddress().getAddress().getHostAddress();
        return resolve(peer, request.getHeaders().getAll("X-Forwarded-For"));
    }

    /** Pure: the client behind {@code peer} given the forwarded-for header values in order. */
    String resolve(String peer, List<String> forwardedFor) {
        if (!isTrusted(peer)) {
            return peer;
        }
        List<String> hops = forwardedFor.stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::trim)
                .toList();
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = Cidr.literal(hops.get(i));
            if (hop.isEmpty()) {
                return client; // garbage: stop at the last address a trusted proxy vouched for
            }
            client = hop.get().getHostAddress();
            if (!isTrusted(client)) {
                return client;
            }
        }
        return client;
    }

    private boolean isTrusted(String address) {
        return Cidr.literal(address).map(a -> trusted.stream().anyMatch(c -> c.contains(a))).orElse(false);
    }
}
