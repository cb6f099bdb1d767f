package dev.kiln.node.capture;

import dev.kiln.protocol.CaptureMetadata;

/** A capture waiting in the queue: what the control plane is told, and the image as the client sent it. */
public record PendingCapture(CaptureMetadata metadata, byte[] image) {
}
