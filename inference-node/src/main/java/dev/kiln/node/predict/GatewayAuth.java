package dev.kiln.node.predict;

import dev.kiln.node.agent.CredentialsHolder;
import dev.kiln.node.agent.NodeConfig;
import dev.kiln.protocol.NodeCredentials;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Checks the gateway's bearer token: the one issued to this node at registration, or one configured for tests and
 * tools. Compared as SHA-256 digests with {@link MessageDigest#isEqual}, so timing tells neither content nor length.
 */
@Singleton
final class GatewayAuth {
    private final CredentialsHolder credentials;
    private final String configured;

    GatewayAuth(CredentialsHolder credentials, NodeConfig config) {
        this.credentials = credentials;
        this.configured = config.gatewayToken() == null || config.gatewayToken().isBlank() ? null : config.gatewayToken();
    }

    boolean accepts(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return false;
        }
        byte[] presented = digest(authorization.substring(7).trim());
        boolean ok = false;
        if (configured != null) {
            ok = MessageDigest.isEqual(presented, digest(configured));
        }
        String issued = credentials.current().map(NodeCredentials::gatewayToken).orElse(null);
        if (issued != null) {
            ok |= MessageDigest.isEqual(presented, digest(issued));
        }
        return ok;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
