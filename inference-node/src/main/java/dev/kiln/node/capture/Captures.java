package dev.kiln.node.capture;

import dev.kiln.node.adapters.Prediction;
import dev.kiln.node.routines.Routines;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.CaptureMetadata;
import dev.kiln.protocol.ServingSettings;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Turns one answered prediction into a capture when a group of its deployment keeps it. */
public final class Captures {

    private Captures() {
    }

    /**
     * @param predictions the answer's predictions ({@link Prediction}s; a raw model's tensors capture none)
     * @param results     the answer's routine results, where ActiveLearning's verdict is when the request asked
     */
    public static Optional<PendingCapture> decide(Assignment a, ServingSettings settings, byte[] image, int width,
                                                  int height, List<?> predictions, Map<String, Object> results) {
        List<Prediction> kept = new ArrayList<>();
        for (Object p : predictions) {
            if (p instanceof Prediction prediction) {
                kept.add(prediction);
            }
        }
        Routines.Uncertainty uncertainty = Routines.uncertainty(kept, results, settings);
        List<String> groups = CaptureDecision.groups(settings.captureGroups(), uncertainty.flagged(),
                () -> ThreadLocalRandom.current().nextDouble());
        if (groups.isEmpty()) {
            return Optional.empty();
        }
        CaptureMetadata meta = new CaptureMetadata(a.instanceId(), a.deploymentId(), a.modelVersionId(), groups,
                uncertainty.flagged(), uncertainty.score(), null, Instant.now(), contentType(image), width, height,
                kept.stream().map(Captures::annotation).toList());
        return Optional.of(new PendingCapture(meta, image));
    }

    private static CaptureMetadata.Annotation annotation(Prediction p) {
        return new CaptureMetadata.Annotation(p.bound(), p.boundType(), p.confidence(),
                new CaptureMetadata.Tag(p.tag().id(), p.tag().name()), p.contourType(), p.contour());
    }

    /** What the control plane is told; it checks the bytes itself. */
    private static String contentType(byte[] image) {
        return image.length > 1 && (image[0] & 0xff) == 0x89 ? "image/png" : "image/jpeg";
    }
}
