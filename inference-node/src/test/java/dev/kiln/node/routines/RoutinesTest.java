package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;
import dev.kiln.node.adapters.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutinesTest {
    private final List<Prediction> predictions = List.of(
            Prediction.box(0, 0, 0.5, 0.5, 0.9, new Tag(1, "a")),
            Prediction.box(0, 0, 0.5, 0.5, 0.5, new Tag(1, "a")),
            Prediction.box(0, 0, 0.5, 0.5, 0.2, new Tag(3, "b")));

    @Test
    void filterConfidenceKeepsThoseAtOrAboveTheThreshold() {
        Routines routines = Routines.parse(List.of(new RoutineCall(0, "FilterConfidence", Map.of("confidence", 0.5))));
        assertThat(routines.apply(predictions, Routines.newResults())).extracting(Prediction::confidence)
                .containsExactly(0.9, 0.5);
    }

    @Test
    void routinesApplyInOrder() {
        Routines routines = Routines.parse(List.of(
                new RoutineCall(0, "FilterConfidence", Map.of("confidence", 0.3)),
                new RoutineCall(1, "FilterConfidence", Map.of("confidence", 0.8))));
        assertThat(routines.apply(predictions, Routines.newResults())).hasSize(1);
    }

    @Test
    void unknownRoutineIsNamedInTheDetail() {
        assertThatThrownBy(() -> Routines.parse(List.of(new RoutineCall(2, "Sharpen", Map.of()))))
                .isInstanceOfSatisfying(InvalidRoutineException.class, e -> {
                    assertThat(e.getMessage()).contains("Sharpen");
                    assertThat(e.detail().loc()).containsExactly("body", "routines", "2", "name");
                    assertThat(e.detail().type()).isEqualTo("value_error.routine");
                });
    }

    @Test
    void badOrMissingArgumentsAreNamed() {
        assertThatThrownBy(() -> Routines.parse(List.of(new RoutineCall(0, "FilterConfidence", Map.of()))))
                .isInstanceOfSatisfying(InvalidRoutineException.class,
                        e -> assertThat(e.detail().loc()).containsExactly("body", "routines", "0", "args", "confidence"));
        assertThatThrownBy(() -> Routines.parse(List.of(new RoutineCall(0, "FilterConfidence", Map.of("confidence", 1.5)))))
                .isInstanceOfSatisfying(InvalidRoutineException.class,
                        e -> assertThat(e.getMessage()).contains("from 0 to 1"));
        assertThatThrownBy(() -> Routines.parse(List.of(new RoutineCall(0, "FilterConfidence", Map.of("confidence", "high")))))
                .isInstanceOf(InvalidRoutineException.class);
        assertThatThrownBy(() -> Routines.parse(List.of(new RoutineCall(0, "FilterConfidence",
                Map.of("confidence", 0.5, "iou", 0.3)))))
                .isInstanceOfSatisfying(InvalidRoutineException.class,
                        e -> assertThat(e.detail().loc()).containsExactly("body", "routines", "0", "args", "iou"));
    }
}
