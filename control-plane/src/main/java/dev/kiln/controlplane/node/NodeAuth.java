package dev.kiln.controlplane.node;

import dev.kiln.controlplane.common.Secrets;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;

/** Checks {@code Authorization: Bearer <nodeSecret>} against the stored SHA-256 of the node's secret. */
@Singleton
public class NodeAuth {

    private static final String BEARER = "Bearer ";

    private final NodeRepository nodes;

    NodeAuth(NodeRepository nodes) {
        this.nodes = nodes;
    }

    /**
     * The node at {@code nodeId} if the header carries its secret. A node without a sealed gateway token (registered
     * before tokens were sealed) is refused, so it registers again with its credential and gets one.
     */
    public Optional<Node> authenticate(@Nullable String authorization, UUID nodeId) {
        return secretHash(authorization).flatMap(hash -> nodes.findById(nodeId)
                .filter(node -> MessageDigest.isEqual(hash.getBytes(StandardCharsets.UTF_8),
                        node.secretHash().getBytes(StandardCharsets.UTF_8))))
                .filter(NodeAuth::hasGatewayToken);
    }

    /** The node whose secret the header carries (for paths without a node id). */
    public Optional<Node> authenticate(@Nullable String authorization) {
        // Looking up by the hash of a 256-bit random secret leaks nothing a timing attack could use.
        return secretHash(authorization).flatMap(nodes::findBySecretHash).filter(NodeAuth::hasGatewayToken);
    }

    private static boolean hasGatewayToken(Node node) {
        return node.gatewayTokenSealed() != null;
    }

    private static Optional<String> secretHash(@Nullable String authorization) {
        return bearerSecret(authorization).map(Secrets::sha256Hex);
    }

    /** The secret of an {@code Authorization: Bearer <secret>} header, if it carries one. */
    static Optional<String> bearerSecret(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String secret = authorization.substring(BEARER.length()).trim();
        return secret.isEmpty() ? Optional.empty() : Optional.of(secret);
    }
}
