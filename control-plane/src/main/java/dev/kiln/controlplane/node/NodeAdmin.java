package dev.kiln.controlplane.node;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.NotFoundException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.util.Map;
import java.util.UUID;

/**
 * Operators' decisions about one node, each audited in its own transaction. Cordoned and draining nodes get no new
 * instances; a draining node's instances are replaced elsewhere and drained as their replacements become READY (the
 * scheduler's Planner does that), so it ends up empty without a failed request. Uncordon undoes either.
 */
@Singleton
class NodeAdmin {

    private final NodeRepository nodes;
    private final FleetViews views;
    private final Operators operators;
    private final AuditLog audit;

    NodeAdmin(NodeRepository nodes, FleetViews views, Operators operators, AuditLog audit) {
        this.nodes = nodes;
        this.views = views;
        this.operators = operators;
        this.audit = audit;
    }

    @Transactional
    FleetViews.NodeView cordon(Caller caller, UUID nodeId) {
        return change(caller, nodeId, NodeState.CORDONED, "node.cordon");
    }

    @Transactional
    FleetViews.NodeView drain(Caller caller, UUID nodeId) {
        return change(caller, nodeId, NodeState.DRAINING, "node.drain");
    }

    @Transactional
    FleetViews.NodeView uncordon(Caller caller, UUID nodeId) {
        return change(caller, nodeId, null, "node.uncordon");
    }

    private FleetViews.NodeView change(Caller caller, UUID nodeId, NodeState cordon, String action) {
        operators.require(caller, "cordon, drain or uncordon nodes");
        Node node = nodes.findById(nodeId).orElseThrow(() -> new NotFoundException("No node " + nodeId + "."));
        if (cordon == null) {
            nodes.uncordon(nodeId);
        } else {
            nodes.cordon(nodeId, cordon.name());
        }
        audit.record(caller.actor(), action, new AuditLog.Target(null, null, "node", nodeId.toString()),
                Map.of("name", node.name(), "previousState", node.state().name()));
        return views.view(nodeId);
    }
}
