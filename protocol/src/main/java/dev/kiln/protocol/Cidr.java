package dev.kiln.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code fd00::/8}, parsed from configuration; a bare address
 * is a /32 or /128. Literal addresses only: a host name would be resolved, which configuration must never cause.
 */
public record Cidr(byte[] network, int prefix) {

    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    /** @throws IllegalArgumentException for anything but an IP literal with an optional prefix length in range */
    public static Cidr parse(String text) {
        String[] parts = text.trim().split("/", 2);
        byte[] address = literal(parts[0]).map(InetAddress::getAddress)
                .orElseThrow(() -> new IllegalArgumentException("Not an IP address or CIDR: " + text));
        int prefix;
        try {
            prefix = parts.length == 1 ? address.length * 8 : Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a prefix length in " + text, e);
        }
        if (prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("Prefix out of range in " + text);
        }
        return new Cidr(address, prefix);
    }

    /** The address of an IP literal; empty for anything else (host names included). */
    public static Optional<InetAddress> literal(String text) {
        String t = text.trim();
        if (t.isEmpty() || !LITERAL.matcher(t).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        int mask = (0xff << (8 - rest)) & 0xff;
        return rest == 0 || (candidate[full] & mask) == (network[full] & mask);
    }
}
