package dev.kiln.node.memory;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * When the node refuses new work to save itself ({@code kiln.node.memory.*}).
 *
 * @param pressureThreshold {@code KILN_NODE_MEMORY_PRESSURE_THRESHOLD}: share of the heap still used after a garbage
 *                          collection, or of direct memory in use, from which new requests get 503
 * @param checkInterval     how often memory is looked at besides after every collection
 */
@ConfigurationProperties("kiln.node.memory")
public record MemoryConfig(@Bindable(defaultValue = "0.9") double pressureThreshold,
                           @Bindable(defaultValue = "1s") Duration checkInterval) {
}
