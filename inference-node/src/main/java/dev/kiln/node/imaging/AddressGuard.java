package dev.kiln.node.imaging;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses an image URL may point at: public unicast only. Refuses loopback, link-local (cloud metadata at
 * 169.254.169.254 included), private and unique-local ranges, carrier-grade NAT, multicast and unspecified.
 */
final class AddressGuard {
    private AddressGuard() {
    }

    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            return first != 0                                   // "this network"
                    && !(first == 100 && second >= 64 && second <= 127) // carrier-grade NAT 100.64/10
                    && !(first == 192 && second == 0 && (b[2] & 0xFF) == 0) // IETF protocol assignments
                    && !(first == 198 && (second == 18 || second == 19)) // benchmarking
                    && first < 240;                             // reserved and broadcast
        }
        if (address instanceof Inet6Address v6) {
            if (v6.isIPv4CompatibleAddress()) {
                return false;
            }
            int first = b[0] & 0xFF;
            boolean uniqueLocal = (first & 0xFE) == 0xFC;       // fc00::/7, incl. fd00:ec2::254 metadata
            boolean mappedV4 = isMappedV4(b);
            if (mappedV4) {
                try {
                    return isPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (java.net.UnknownHostException e) {
                    return false;
                }
            }
            return !uniqueLocal;
        }
        return false;
    }

    private static boolean isMappedV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    }
}
