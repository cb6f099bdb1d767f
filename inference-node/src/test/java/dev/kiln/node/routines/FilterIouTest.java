package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;
import dev.kiln.node.adapters.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FilterIouTest {
    private static List<Prediction> apply(double iou, List<Prediction> predictions) {
        return RoutinesTest.parse(new RoutineCall(0, "FilterIOU", Map.of("iou", iou)))
                .apply(predictions, Routines.newResults());
    }

    @Test
    void anOverlapAboveTheThresholdLosesToTheMoreConfidentPredictionWhateverTheClass() {
        Prediction weaker = Prediction.box(0.1, 0.1, 0.5, 0.5, 0.6, new Tag(2, "dog"));
        Prediction stronger = Prediction.box(0.12, 0.1, 0.52, 0.5, 0.8, new Tag(1, "cat"));
        Prediction apart = Prediction.box(0.6, 0.6, 0.9, 0.9, 0.3, new Tag(2, "dog"));
        // The weaker one comes first: the routine must go by confidence, and keep the order it was given.
        assertThat(apply(0.5, List.of(weaker, stronger, apart))).containsExactly(stronger, apart);
    }

    @Test
    void anOverlapAtOrBelowTheThresholdIsKept() {
        // Intersection 0.04 over union 0.12: IoU 1/3.
        Prediction a = Prediction.box(0, 0, 0.4, 0.2, 0.9, new Tag(0, "a"));
        Prediction b = Prediction.box(0.2, 0, 0.6, 0.2, 0.8, new Tag(0, "a"));
        assertThat(apply(0.34, List.of(a, b))).hasSize(2);
        assertThat(apply(0.33, List.of(a, b))).containsExactly(a);
    }

    @Test
    void classificationPredictionsPassThrough() {
        List<Prediction> labels = List.of(Prediction.label(0.7, new Tag(1, "cat")),
                Prediction.label(0.2, new Tag(2, "dog")));
        assertThat(apply(0, labels)).isEqualTo(labels);
    }
}
