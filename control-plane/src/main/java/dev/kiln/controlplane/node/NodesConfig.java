package dev.kiln.controlplane.node;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotBlank;

import java.time.Duration;
import java.util.List;

/**
 * How nodes join and stay in touch ({@code kiln.nodes.*}).
 *
 * @param joinToken               shared secret a node presents to register (KILN_JOIN_TOKEN); required
 * @param heartbeatInterval       how often nodes are told to send a heartbeat
 * @param heartbeatTimeout        a node silent for longer is LOST and its instances are replaced
 * @param maxAssignmentsWait      upper bound of one assignments long-poll
 * @param assignmentsPollInterval how often waiting long-polls re-read their node's version (other replicas'
 *                                changes are only visible in the database)
 * @param networks                CIDRs a node may advertise an address in besides the one it registers from
 *                                (KILN_NODE_NETWORKS, comma-separated)
 * @param allowLoopback           whether a node may advertise a loopback address (KILN_NODE_ALLOW_LOOPBACK: local
 *                                runs and tests only)
 * @param refusalAuditWindow      repeated refused registrations of one node name from one address within this
 *                                window are one audit row with a count
 */
@ConfigurationProperties("kiln.nodes")
public record NodesConfig(@NotBlank String joinToken,
                          @Bindable(defaultValue = "2s") Duration heartbeatInterval,
                          @Bindable(defaultValue = "15s") Duration heartbeatTimeout,
                          @Bindable(defaultValue = "30s") Duration maxAssignmentsWait,
                          @Bindable(defaultValue = "250ms") Duration assignmentsPollInterval,
                          @Nullable List<String> networks,
                          @Bindable(defaultValue = "false") boolean allowLoopback,
                          @Bindable(defaultValue = "10m") Duration refusalAuditWindow) {
}
