package dev.kiln.controlplane.node;

import dev.kiln.controlplane.common.Secrets;
import io.micronaut.core.annotation.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Who may register as which node: the join token admits new nodes; an existing one needs its own credential. */
final class RegistrationRules {

    private RegistrationRules() {
    }

    /**
     * Why this registration must be refused, or empty when it may go ahead.
     *
     * @param byId   the node the registration names by id, if it exists
     * @param byName the node holding the registration's name, if any
     */
    static Optional<String> refusal(String name, Optional<Node> byId, Optional<Node> byName,
                                    @Nullable String presentedSecret) {
        if (byId.isPresent() && byName.isPresent() && !byId.get().id().equals(byName.get().id())) {
            return Optional.of("The node name '" + name + "' belongs to another node; an operator must delete that "
                    + "node (DELETE /api/v1/nodes/{nodeId}) before this one can take the name.");
        }
        Optional<Node> existing = byId.or(() -> byName);
        if (existing.isPresent() && !holdsCredential(existing.get(), presentedSecret)) {
            return Optional.of("Node '" + existing.get().name() + "' is already registered and the join token "
                    + "admits new nodes only: re-registering needs that node's current credential. A node that lost "
                    + "its credential file must be deleted by an operator (DELETE /api/v1/nodes/{nodeId}) before it "
                    + "can join again under this name.");
        }
        return Optional.empty();
    }

    /** Constant-time: the stored hash of a revoked node matches no secret at all. */
    static boolean holdsCredential(Node node, @Nullable String presentedSecret) {
        if (presentedSecret == null || presentedSecret.isBlank()) {
            return false;
        }
        return MessageDigest.isEqual(Secrets.sha256Hex(presentedSecret.trim()).getBytes(StandardCharsets.UTF_8),
                node.secretHash().getBytes(StandardCharsets.UTF_8));
    }
}
