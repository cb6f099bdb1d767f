package dev.kiln.controlplane.node;

/**
 * Published after a commit that changed which instances are READY (or where they run), so this replica's
 * gateway refreshes its routes now instead of at its next periodic refresh.
 */
public record InstancesChanged() {
}
