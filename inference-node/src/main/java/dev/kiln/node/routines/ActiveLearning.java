package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How uncertain the model was about this image, by the deployment's evaluation strategy, and whether that exceeds
 * the deployment's evaluation threshold (the image is then worth labelling). Scores are 0 (sure) to 1.
 * <ul>
 * <li>Detection and segmentation: each prediction's confidence is a yes/no belief, and the image scores as its most
 * uncertain prediction (one doubtful object is enough to make an image worth a look); no predictions score 0.
 * entropy: binary entropy in bits; least_confidence: {@code 2·(1 − max(p, 1 − p))}; margin: {@code 1 − |2p − 1|}.
 * <li>Classification: the ranked confidences, plus what they leave of 1 as one more outcome (only the top-k reach
 * the routines). entropy: Shannon entropy over those outcomes divided by its maximum; least_confidence:
 * {@code 1 − p₁}; margin: {@code 1 − (p₁ − p₂)}.
 * </ul>
 */
record ActiveLearning(String strategy, double threshold) implements Routine {
    static final String NAME = "ActiveLearning";
    static final List<String> STRATEGIES = List.of("entropy", "least_confidence", "margin");

    /** The deployment's strategy; the control plane validates it, and an absent one means the default, entropy. */
    static ActiveLearning of(String strategy, double threshold) {
        String s = strategy == null || strategy.isBlank() ? "entropy" : strategy.trim().toLowerCase(Locale.ROOT);
        if (!STRATEGIES.contains(s)) {
            throw new IllegalArgumentException("unknown evaluation strategy '" + strategy + "'");
        }
        return new ActiveLearning(s, threshold);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Prediction> apply(List<Prediction> predictions, Map<String, Object> results) {
        double score = predictions.isEmpty() ? 0
                : predictions.getFirst().bound() == null ? classification(predictions) : detection(predictions);
        score = Math.round(score * 1e6) / 1e6;
        results.put(NAME, new Result(strategy, score, threshold, score > threshold));
        return predictions;
    }

    private double detection(List<Prediction> predictions) {
        double worst = 0;
        for (Prediction prediction : predictions) {
            double p = clamp(prediction.confidence());
            double u = switch (strategy) {
                case "least_confidence" -> 2 * (1 - Math.max(p, 1 - p));
                case "margin" -> 1 - Math.abs(2 * p - 1);
                default -> (plogp(p) + plogp(1 - p)) / -Math.log(2);
            };
            worst = Math.max(worst, u);
        }
        return worst;
    }

    private double classification(List<Prediction> ranked) {
        double p1 = clamp(ranked.getFirst().confidence());
        double sum = 0;
        for (Prediction p : ranked) {
            sum += clamp(p.confidence());
        }
        // Confidences are rounded to six decimals, so a complete distribution may leave a sliver that is no outcome.
        double rest = 1 - sum < 1e-5 ? 0 : 1 - sum;
        return switch (strategy) {
            case "least_confidence" -> 1 - p1;
            case "margin" -> 1 - (p1 - (ranked.size() > 1 ? clamp(ranked.get(1).confidence()) : rest));
            default -> {
                int outcomes = ranked.size() + (rest > 0 ? 1 : 0);
                double h = -plogp(rest);
                for (Prediction p : ranked) {
                    h -= plogp(clamp(p.confidence()));
                }
                yield outcomes < 2 ? 0 : Math.min(1, h / Math.log(outcomes));
            }
        };
    }

    private static double plogp(double p) {
        return p <= 0 ? 0 : p * Math.log(p);
    }

    private static double clamp(double p) {
        return Math.max(0, Math.min(1, p));
    }

    /** What goes under {@code routines.ActiveLearning} in the response. */
    @Serdeable
    record Result(String strategy, double score, double threshold, boolean flagged) {
    }
}
