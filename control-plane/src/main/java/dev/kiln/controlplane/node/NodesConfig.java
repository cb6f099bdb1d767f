package dev.kiln.controlplane.node;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotBlank;

import java.time.Duration;

/**
 * How nodes join and stay in touch ({@code kiln.nodes.*}).
 *
 * @param joinToken               shared secret a node presents to register (KILN_JOIN_TOKEN); required
 * @param heartbeatInterval       how often nodes are told to send a heartbeat
 * @param heartbeatTimeout        a node silent for longer is LOST and its instances are replaced
 * @param maxAssignmentsWait      upper bound of one assignments long-poll
 * @param assignmentsPollInterval how often waiting long-polls re-read their node's version (other replicas'
 *                                changes are only visible in the database)
 */
@ConfigurationProperties("kiln.nodes")
public record NodesConfig(@NotBlank String joinToken,
                          @Bindable(defaultValue = "2s") Duration heartbeatInterval,
                          @Bindable(defaultValue = "15s") Duration heartbeatTimeout,
                          @Bindable(defaultValue = "30s") Duration maxAssignmentsWait,
                          @Bindable(defaultValue = "250ms") Duration assignmentsPollInterval) {
}
