package dev.kiln.controlplane.node;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Times;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * Operators' decisions about one node, each audited in its own transaction. Cordoned and draining nodes get no new
 * instances; a draining node's instances are replaced elsewhere and drained as their replacements become READY (the
 * scheduler's Planner does that), so it ends up empty without a failed request. Uncordon undoes either. Revoke and
 * delete take the node's credential away.
 */
@Singleton
class NodeAdmin {

    private final NodeRepository nodes;
    private final FleetViews views;
    private final Operators operators;
    private final AuditLog audit;
    private final InstanceRepository instances;
    private final TransactionOperations<Connection> tx;
    private final ApplicationEventPublisher<Object> events;
    private final Clock clock;

    NodeAdmin(NodeRepository nodes, FleetViews views, Operators operators, AuditLog audit,
              InstanceRepository instances, TransactionOperations<Connection> tx,
              ApplicationEventPublisher<Object> events, Clock clock) {
        this.nodes = nodes;
        this.views = views;
        this.operators = operators;
        this.audit = audit;
        this.instances = instances;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Revokes a node: its credential stops working at once and its instances are LOST, so the scheduler replaces
     * them elsewhere. The row stays (holding the name) until an operator deletes it.
     */
    FleetViews.NodeView revoke(Caller caller, UUID nodeId) {
        operators.require(caller, "revoke nodes");
        tx.executeWrite(status -> {
            Node node = find(nodeId);
            nodes.revoke(nodeId);
            instances.markLostOnNode(nodeId, Times.now(clock));
            audit.record(caller.actor(), "node.revoke", NodeRegistry.target(nodeId),
                    Map.of("name", node.name(), "address", node.address()));
            return null;
        });
        events.publishEvent(new InstancesChanged());
        return views.view(nodeId);
    }

    /**
     * Deletes a node: its credential goes with the row, its instances lose their node and are replaced elsewhere,
     * and its name is free for a new registration with the join token.
     */
    void delete(Caller caller, UUID nodeId) {
        operators.require(caller, "delete nodes");
        tx.executeWrite(status -> {
            Node node = find(nodeId);
            instances.markLostOnNode(nodeId, Times.now(clock));
            nodes.deleteById(nodeId);
            audit.record(caller.actor(), "node.delete", NodeRegistry.target(nodeId),
                    Map.of("name", node.name(), "address", node.address()));
            return null;
        });
        events.publishEvent(new InstancesChanged());
    }

    private Node find(UUID nodeId) {
        return nodes.findById(nodeId).orElseThrow(() -> new NotFoundException("No node " + nodeId + "."));
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
        Node node = find(nodeId);
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
