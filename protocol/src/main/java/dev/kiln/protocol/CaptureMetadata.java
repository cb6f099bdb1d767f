package dev.kiln.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a node tells the control plane about one captured prediction ({@link InternalPaths#CAPTURES}); the image
 * bytes follow it in the same body.
 *
 * @param groups      the capture groups that keep it
 * @param score       ActiveLearning's uncertainty score (computed whether or not the caller asked for the routine)
 * @param keyPrefix   the visible prefix of the key that made the request, when the gateway passed it
 * @param contentType the image's media type (image/jpeg or image/png)
 */
@Serdeable
public record CaptureMetadata(UUID instanceId, UUID deploymentId, UUID modelVersionId, List<String> groups,
                              boolean flagged, double score, @Nullable String keyPrefix, Instant capturedAt,
                              String contentType, int width, int height, List<Annotation> predictions) {

    /** One prediction, in the shape of the predict answer (DESIGN §4.1): coordinates are 0..1 of the image. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Annotation(@Nullable List<List<Double>> bound, @Nullable String boundType, double confidence,
                             Tag tag, @Nullable String contourType, @Nullable List<List<Double>> contour) {
    }

    @Serdeable
    public record Tag(int id, String name) {
    }
}
