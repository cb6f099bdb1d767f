package dev.kiln.controlplane.capture;

import dev.kiln.protocol.CaptureMetadata;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** JSON of the captures API (DESIGN §4.4). */
final class CaptureViews {

    private CaptureViews() {
    }

    /** One capture; {@code predictions} in the shape of the predict answer (coordinates 0..1 of the image). */
    @Serdeable
    record CaptureView(UUID id, UUID deploymentId, UUID modelVersionId, List<String> groups, boolean flagged,
                       double score, @Nullable String keyPrefix, List<String> classNames, String contentType,
                       long sizeBytes, int width, int height, Instant capturedAt, Instant expiresAt,
                       List<CaptureMetadata.Annotation> predictions) {
    }

    /** One page, newest first; {@code page} counts from 1. */
    @Serdeable
    record CapturePage(int page, int pageSize, boolean hasMore, long total, List<CaptureView> items) {
    }

    @Serdeable
    record Deleted(int deleted) {
    }
}
