package dev.kiln.controlplane.node;

import dev.kiln.controlplane.common.Secrets;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;

/**
 * Checks the join token nodes present to register. Created at startup so a missing KILN_JOIN_TOKEN stops the
 * control plane at once rather than at the first node's visit.
 */
@Context
public class NodeJoin {

    private final String joinToken;

    NodeJoin(NodesConfig config) {
        this.joinToken = config.joinToken();
    }

    public boolean accepts(@Nullable String presented) {
        return presented != null && Secrets.constantTimeEquals(presented, joinToken);
    }
}
