package dev.kiln.controlplane.node;

import dev.kiln.protocol.NodeCredentials;

/** What a registration came to: the node is in with fresh credentials, or it was refused and nothing changed. */
public sealed interface RegistrationOutcome {

    /** @param rejoined whether an existing node re-registered (with its current credential) rather than a new one */
    record Admitted(NodeCredentials credentials, boolean rejoined) implements RegistrationOutcome {
    }

    /** A conflict with a node that exists (409): the caller does not hold that node's credential. */
    record Refused(String message) implements RegistrationOutcome {
    }
}
