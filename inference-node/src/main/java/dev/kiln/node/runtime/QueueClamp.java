package dev.kiln.node.runtime;

import io.micronaut.core.annotation.Nullable;

/**
 * An instance's queue length: what the deployment asked for, and what this node's memory allows.
 *
 * @param configured the deployment's {@code maxQueue}
 * @param effective  the queue length used, at most {@code configured}
 * @param clampedBy  {@code heap} or {@code directMemory} when that made {@code effective} smaller, else null
 */
public record QueueClamp(int configured, int effective, @Nullable String clampedBy) {
}
