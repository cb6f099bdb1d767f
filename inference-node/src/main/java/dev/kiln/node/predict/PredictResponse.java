package dev.kiln.node.predict;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.node.adapters.Prediction;
import dev.kiln.node.adapters.RawTensor;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The 200 body of DESIGN §4.1; empty predictions and routines are written as [] and {}, not left out.
 *
 * @param predictions {@link Prediction}s, or for output adapter raw the output tensors ({@link RawTensor})
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PredictResponse(String predictId, UUID deploymentId, Model model, Image image,
                              List<?> predictions, Map<String, Object> routines, Timing timing) {

    @Serdeable
    public record Model(String name, String versionTag, String task) {
    }

    @Serdeable
    public record Image(int width, int height) {
    }

    /** Milliseconds: waiting (for a thread), preprocessing (fetch, decode, tensor), model run, adapter + routines. */
    @Serdeable
    public record Timing(double queueMs, double preprocessMs, double inferenceMs, double postprocessMs,
                         double totalMs) {

        static Timing of(double queueMs, double preprocessMs, double inferenceMs, double postprocessMs,
                         double totalMs) {
            return new Timing(r(queueMs), r(preprocessMs), r(inferenceMs), r(postprocessMs), r(totalMs));
        }

        private static double r(double ms) {
            return Math.round(ms * 1000) / 1000.0;
        }
    }
}
