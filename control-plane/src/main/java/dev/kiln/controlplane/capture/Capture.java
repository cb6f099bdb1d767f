package dev.kiln.controlplane.capture;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A row of captures: one kept prediction; its image is the blob at {@code blobKey}. */
record Capture(UUID id, UUID organizationId, UUID deploymentId, UUID modelVersionId, UUID instanceId,
               List<String> groups, boolean flagged, double score, @Nullable String keyPrefix,
               List<String> classNames, String predictions, String blobKey, String contentType, long sizeBytes,
               int width, int height, Instant capturedAt, Instant expiresAt) {
}
