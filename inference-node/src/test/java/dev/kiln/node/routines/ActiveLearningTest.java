package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;
import dev.kiln.node.adapters.Tag;
import dev.kiln.protocol.ServingSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ActiveLearningTest {

    private static ActiveLearning.Result evaluate(String strategy, double threshold, List<Prediction> predictions) {
        ServingSettings settings = new ServingSettings(1, 0, 8, 1000, strategy, threshold);
        Map<String, Object> results = Routines.newResults();
        List<Prediction> out = Routines.parse(List.of(new RoutineCall(0, "ActiveLearning", Map.of())), settings)
                .apply(predictions, results);
        assertThat(out).isEqualTo(predictions);
        return (ActiveLearning.Result) results.get("ActiveLearning");
    }

    private static Prediction box(double confidence) {
        return Prediction.box(0.1, 0.1, 0.2, 0.2, confidence, new Tag(0, "a"));
    }

    @Test
    void detectionEntropyIsTheMostUncertainBoxesBinaryEntropy() {
        ActiveLearning.Result r = evaluate("entropy", 0.9, List.of(box(0.99), box(0.7)));
        double expected = -(0.7 * Math.log(0.7) + 0.3 * Math.log(0.3)) / Math.log(2);
        assertThat(r.score()).isCloseTo(expected, within(1e-6));
        assertThat(r.strategy()).isEqualTo("entropy");
        assertThat(r.threshold()).isEqualTo(0.9);
        assertThat(r.flagged()).isFalse();
        assertThat(evaluate("entropy", 0.5, List.of(box(0.99), box(0.7))).flagged()).isTrue();
    }

    @Test
    void detectionLeastConfidenceAndMarginAreScaledToZeroToOne() {
        assertThat(evaluate("least_confidence", 0.5, List.of(box(0.8))).score()).isCloseTo(0.4, within(1e-6));
        assertThat(evaluate("margin", 0.5, List.of(box(0.8))).score()).isCloseTo(0.4, within(1e-6));
        assertThat(evaluate("margin", 0.5, List.of(box(0.5))).score()).isCloseTo(1, within(1e-6));
        assertThat(evaluate("margin", 0.5, List.of(box(0.5))).flagged()).isTrue();
    }

    @Test
    void anImageWithoutPredictionsIsCertain() {
        ActiveLearning.Result r = evaluate("entropy", 0, List.of());
        assertThat(r.score()).isZero();
        assertThat(r.flagged()).isFalse();
    }

    @Test
    void classificationScoresUseTheRankedDistribution() {
        List<Prediction> ranked = List.of(Prediction.label(0.6, new Tag(1, "cat")),
                Prediction.label(0.3, new Tag(2, "dog")), Prediction.label(0.1, new Tag(3, "fox")));
        assertThat(evaluate("least_confidence", 0.5, ranked).score()).isCloseTo(0.4, within(1e-6));
        assertThat(evaluate("margin", 0.5, ranked).score()).isCloseTo(0.7, within(1e-6));
        double entropy = -(0.6 * Math.log(0.6) + 0.3 * Math.log(0.3) + 0.1 * Math.log(0.1)) / Math.log(3);
        assertThat(evaluate("entropy", 0.5, ranked).score()).isCloseTo(entropy, within(1e-6));
    }

    @Test
    void classificationCountsWhatTheTopKLeaveAsOneMoreOutcome() {
        // 0.5 and 0.25 leave 0.25: three outcomes, 1.5 bits of log2(3) ≈ 1.585.
        List<Prediction> topTwo = List.of(Prediction.label(0.5, new Tag(1, "cat")),
                Prediction.label(0.25, new Tag(2, "dog")));
        assertThat(evaluate("entropy", 0.5, topTwo).score()).isCloseTo(1.5 / (Math.log(3) / Math.log(2)),
                within(1e-6));
        // With one label only, the margin is to the rest.
        assertThat(evaluate("margin", 0.5, List.of(Prediction.label(0.9, new Tag(1, "cat")))).score())
                .isCloseTo(0.2, within(1e-6));
    }

    @Test
    void theDeploymentsStrategyIsEntropyWhenUnset() {
        assertThat(evaluate(null, 0.5, List.of(box(0.5))).strategy()).isEqualTo("entropy");
        assertThat(evaluate("Least_Confidence", 0.5, List.of(box(0.5))).strategy()).isEqualTo("least_confidence");
    }
}
