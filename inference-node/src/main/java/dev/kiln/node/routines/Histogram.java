package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;
import io.micronaut.serde.annotation.Serdeable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the predictions at this point of the routine list: per class name, and per confidence bin. Bins are either
 * {@code bins} equal slices of 0..1 or the given {@code ranges}; a bin holds {@code from ≤ confidence < to}, and a
 * bin ending at 1 holds 1 too. Ranges may overlap or leave gaps: each is counted on its own.
 *
 * @param ranges {@code [from, to]} per bin
 */
record Histogram(List<double[]> ranges) implements Routine {
    static final String NAME = "Histogram";
    static final int DEFAULT_BINS = 10;
    static final int MAX_BINS = 100;

    static Histogram ofBins(int bins) {
        List<double[]> ranges = new ArrayList<>(bins);
        for (int i = 0; i < bins; i++) {
            ranges.add(new double[]{round((double) i / bins), round((double) (i + 1) / bins)});
        }
        return new Histogram(List.copyOf(ranges));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Prediction> apply(List<Prediction> predictions, Map<String, Object> results) {
        Map<String, Integer> byName = new TreeMap<>();
        for (Prediction p : predictions) {
            byName.merge(p.tag().name(), 1, Integer::sum);
        }
        // Most frequent first; names break ties so the order is the same on every run.
        Map<String, Integer> classes = new LinkedHashMap<>();
        byName.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> classes.put(e.getKey(), e.getValue()));
        List<Bin> bins = new ArrayList<>(ranges.size());
        for (double[] r : ranges) {
            int count = 0;
            for (Prediction p : predictions) {
                double c = p.confidence();
                if (c >= r[0] && (c < r[1] || r[1] == 1 && c == 1)) {
                    count++;
                }
            }
            bins.add(new Bin(r[0], r[1], count));
        }
        results.put(NAME, new Result(predictions.size(), classes, bins));
        return predictions;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    /** What goes under {@code routines.Histogram} in the response. */
    @Serdeable
    record Result(int total, Map<String, Integer> classes, List<Bin> confidence) {
    }

    @Serdeable
    record Bin(double from, double to, int count) {
    }
}
