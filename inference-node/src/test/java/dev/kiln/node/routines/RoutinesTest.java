package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;
import dev.kiln.node.adapters.Tag;
import dev.kiln.protocol.ServingSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Parsing (strict, located errors) and the filtering routines. */
class RoutinesTest {
    private final List<Prediction> predictions = List.of(
            Prediction.box(0, 0, 0.5, 0.5, 0.9, new Tag(1, "a")),
            Prediction.box(0, 0, 0.5, 0.5, 0.5, new Tag(1, "a")),
            Prediction.box(0, 0, 0.5, 0.5, 0.2, new Tag(3, "b")));

    static Routines parse(RoutineCall... calls) {
        return Routines.parse(List.of(calls), ServingSettings.defaults());
    }

    static InvalidRoutineException rejected(RoutineCall... calls) {
        try {
            parse(calls);
        } catch (InvalidRoutineException e) {
            return e;
        }
        throw new AssertionError("the routines were accepted");
    }

    @Test
    void filterConfidenceKeepsThoseAtOrAboveTheThreshold() {
        Routines routines = parse(new RoutineCall(0, "FilterConfidence", Map.of("confidence", 0.5)));
        assertThat(routines.apply(predictions, Routines.newResults())).extracting(Prediction::confidence)
                .containsExactly(0.9, 0.5);
    }

    @Test
    void routinesApplyInOrder() {
        Routines routines = parse(
                new RoutineCall(0, "FilterConfidence", Map.of("confidence", 0.3)),
                new RoutineCall(1, "FilterConfidence", Map.of("confidence", 0.8)));
        assertThat(routines.apply(predictions, Routines.newResults())).hasSize(1);
    }

    @Test
    void aHistogramSeesThePredictionsLeftByTheRoutinesBeforeIt() {
        Map<String, Object> results = Routines.newResults();
        parse(new RoutineCall(0, "ExcludeClass", Map.of("class_name", List.of("b"))),
                new RoutineCall(1, "Histogram", Map.of()))
                .apply(predictions, results);
        assertThat(((Histogram.Result) results.get("Histogram")).classes()).containsOnlyKeys("a");
    }

    @Test
    void filterClassKeepsOnlyTheNamedClasses() {
        Routines routines = parse(new RoutineCall(0, "FilterClass", Map.of("class_name", List.of("b", "zebra"))));
        assertThat(routines.apply(predictions, Routines.newResults())).extracting(p -> p.tag().name())
                .containsExactly("b");
    }

    @Test
    void excludeClassDropsTheNamedClasses() {
        Routines routines = parse(new RoutineCall(0, "ExcludeClass", Map.of("class_name", List.of("a"))));
        assertThat(routines.apply(predictions, Routines.newResults())).extracting(p -> p.tag().name())
                .containsExactly("b");
    }

    @Test
    void classFiltersNeedANonEmptyListOfNames() {
        for (String routine : List.of("FilterClass", "ExcludeClass")) {
            for (Object bad : List.of("a", List.of(), List.of("a", 3), List.of(" "))) {
                InvalidRoutineException e = rejected(new RoutineCall(1, routine, Map.of("class_name", bad)));
                assertThat(e.detail().loc()).containsExactly("body", "routines", "1", "args", "class_name");
                assertThat(e.getMessage()).contains(routine).contains("class_name");
            }
            assertThat(rejected(new RoutineCall(0, routine, Map.of())).detail().type())
                    .isEqualTo("value_error.missing");
            assertThat(rejected(new RoutineCall(0, routine, Map.of("class_name", List.of("a"), "class", "b")))
                    .detail().loc()).containsExactly("body", "routines", "0", "args", "class");
        }
    }

    @Test
    void unknownRoutineIsNamedInTheDetail() {
        InvalidRoutineException e = rejected(new RoutineCall(2, "Sharpen", Map.of()));
        assertThat(e.getMessage()).contains("Sharpen").contains("FilterIOU");
        assertThat(e.detail().loc()).containsExactly("body", "routines", "2", "name");
        assertThat(e.detail().type()).isEqualTo("value_error.routine");
    }

    @Test
    void aRoutineWithoutANameIsRefused() {
        assertThat(rejected(new RoutineCall(0, null, Map.of())).detail().loc())
                .containsExactly("body", "routines", "0", "name");
    }

    @Test
    void badOrMissingArgumentsAreNamed() {
        assertThat(rejected(new RoutineCall(0, "FilterConfidence", Map.of())).detail().loc())
                .containsExactly("body", "routines", "0", "args", "confidence");
        assertThat(rejected(new RoutineCall(0, "FilterConfidence", Map.of("confidence", 1.5))).getMessage())
                .contains("from 0 to 1");
        assertThat(rejected(new RoutineCall(0, "FilterConfidence", Map.of("confidence", "high"))).detail().type())
                .isEqualTo("value_error.number");
        assertThat(rejected(new RoutineCall(0, "FilterConfidence", Map.of("confidence", Double.NaN))).detail().type())
                .isEqualTo("value_error.number");
        assertThat(rejected(new RoutineCall(0, "FilterConfidence", Map.of("confidence", 0.5, "iou", 0.3)))
                .detail().loc()).containsExactly("body", "routines", "0", "args", "iou");
    }

    @Test
    void theErrorNamesTheIndexOfTheBadRoutineAfterGoodOnes() {
        InvalidRoutineException e = rejected(new RoutineCall(0, "FilterConfidence", Map.of("confidence", 0.2)),
                new RoutineCall(1, "FilterIOU", Map.of("iou", -0.1)));
        assertThat(e.detail().loc()).containsExactly("body", "routines", "1", "args", "iou");
    }

    @Test
    void activeLearningTakesNoArguments() {
        InvalidRoutineException e = rejected(new RoutineCall(0, "ActiveLearning", Map.of("threshold", 0.2)));
        assertThat(e.detail().loc()).containsExactly("body", "routines", "0", "args", "threshold");
        assertThat(e.detail().type()).isEqualTo("value_error.extra");
    }
}
