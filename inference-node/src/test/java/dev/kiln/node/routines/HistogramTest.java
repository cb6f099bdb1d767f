package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;
import dev.kiln.node.adapters.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HistogramTest {
    private final List<Prediction> predictions = List.of(
            Prediction.box(0, 0, 0.5, 0.5, 1.0, new Tag(1, "person")),
            Prediction.box(0, 0, 0.5, 0.5, 0.55, new Tag(3, "car")),
            Prediction.box(0, 0, 0.5, 0.5, 0.5, new Tag(1, "person")),
            Prediction.box(0, 0, 0.5, 0.5, 0.05, new Tag(1, "person")));

    private Histogram.Result histogram(Map<String, Object> args) {
        Map<String, Object> results = Routines.newResults();
        List<Prediction> out = RoutinesTest.parse(new RoutineCall(0, "Histogram", args)).apply(predictions, results);
        assertThat(out).isEqualTo(predictions);
        return (Histogram.Result) results.get("Histogram");
    }

    @Test
    void countsInstancesPerClassMostFrequentFirst() {
        Histogram.Result h = histogram(Map.of("bins", 2));
        assertThat(h.total()).isEqualTo(4);
        assertThat(h.classes()).containsExactly(Map.entry("person", 3), Map.entry("car", 1));
    }

    @Test
    void equalBinsCoverZeroToOneWithOneInTheLastBin() {
        Histogram.Result h = histogram(Map.of("bins", 2));
        assertThat(h.confidence()).containsExactly(new Histogram.Bin(0, 0.5, 1), new Histogram.Bin(0.5, 1, 3));
    }

    @Test
    void tenBinsWhenNeitherBinsNorRangesAreGiven() {
        Histogram.Result h = histogram(Map.of());
        assertThat(h.confidence()).hasSize(10);
        assertThat(h.confidence().get(5)).isEqualTo(new Histogram.Bin(0.5, 0.6, 2));
        assertThat(h.confidence().stream().mapToInt(Histogram.Bin::count).sum()).isEqualTo(4);
    }

    @Test
    void rangesAreCountedEachOnItsOwn() {
        Histogram.Result h = histogram(Map.of("ranges", List.of(List.of(0, 0.5), List.of(0.5, 0.9), List.of(0.9, 1))));
        assertThat(h.confidence()).extracting(Histogram.Bin::count).containsExactly(1, 2, 1);
    }

    @Test
    void rangesWrittenAsUpperBoundsMakeAdjacentBinsFromZero() {
        Histogram.Result h = histogram(Map.of("ranges", List.of(0.5, 0.9, 1.0)));
        assertThat(h.confidence()).containsExactly(new Histogram.Bin(0, 0.5, 1), new Histogram.Bin(0.5, 0.9, 2),
                new Histogram.Bin(0.9, 1, 1));
    }

    @Test
    void badBinsAndRangesAreRefusedWithTheirLocation() {
        for (Object bins : List.of(0, 101, 2.5, "ten")) {
            InvalidRoutineException e = RoutinesTest.rejected(new RoutineCall(3, "Histogram", Map.of("bins", bins)));
            assertThat(e.detail().loc()).containsExactly("body", "routines", "3", "args", "bins");
        }
        for (Object ranges : List.of(List.of(), List.of(List.of(0.5, 0.2)), List.of(List.of(0, 1.5)),
                List.of(List.of(0.1)), List.of(0.5, 0.2), List.of(0.5, 1.5), List.of(0, 0.5),
                List.of(0.5, List.of(0.5, 1)), "0-1")) {
            InvalidRoutineException e = RoutinesTest.rejected(new RoutineCall(0, "Histogram", Map.of("ranges", ranges)));
            assertThat(e.detail().loc()).containsExactly("body", "routines", "0", "args", "ranges");
            assertThat(e.detail().type()).isEqualTo("value_error.ranges");
        }
        InvalidRoutineException both = RoutinesTest.rejected(new RoutineCall(0, "Histogram",
                Map.of("bins", 4, "ranges", List.of(List.of(0, 1)))));
        assertThat(both.getMessage()).contains("not both");
        assertThat(RoutinesTest.rejected(new RoutineCall(0, "Histogram", Map.of("bin", 4))).detail().loc())
                .containsExactly("body", "routines", "0", "args", "bin");
    }
}
