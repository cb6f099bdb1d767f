package dev.kiln.node.predict;

import dev.kiln.node.agent.CredentialsHolder;
import dev.kiln.node.agent.NodeConfig;
import jakarta.inject.Singleton;

import java.security.MessageDigest;
import java.util.Locale;

/**
 * Checks the gateway's bearer token: the one issued to this node at registration (or the one it replaced, for a
 * short grace), or one configured for tests and tools. Compared as SHA-256 digests with {@link MessageDigest#isEqual},
 * so timing tells neither content nor length; the node holds only the digests.
 */
@Singleton
final class GatewayAuth {
    private final CredentialsHolder credentials;
    private final byte[] configured;

    GatewayAuth(CredentialsHolder credentials, NodeConfig config) {
        this.credentials = credentials;
        this.configured = config.gatewayToken() == null || config.gatewayToken().isBlank() ? null
                : CredentialsHolder.sha256(config.gatewayToken());
    }

    boolean accepts(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return false;
        }
        byte[] presented = CredentialsHolder.sha256(authorization.substring(7).trim());
        boolean ok = configured != null && MessageDigest.isEqual(presented, configured);
        return credentials.acceptsGatewayToken(presented) | ok;
    }
}
