package dev.kiln.controlplane.capture;

import java.util.UUID;

/** How a node's capture ended: stored, or refused with the status and sentence the node is answered. */
sealed interface IntakeOutcome {

    record Stored(UUID captureId) implements IntakeOutcome {
    }

    record Refused(int status, String message) implements IntakeOutcome {
    }
}
