package dev.kiln.node.routines;

import java.util.ArrayList;
import java.util.List;

/** The two written forms of histogram bins; each answers null for a list that is not valid in its form. */
final class BinRanges {
    private BinRanges() {
    }

    /** {@code [[low, high], …]} with 0 ≤ low < high ≤ 1. */
    static List<double[]> fromPairs(List<?> list) {
        List<double[]> ranges = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof Number low)
                    || !(pair.get(1) instanceof Number high) || !(low.doubleValue() >= 0)
                    || !(low.doubleValue() < high.doubleValue()) || !(high.doubleValue() <= 1)) {
                return null;
            }
            ranges.add(new double[]{low.doubleValue(), high.doubleValue()});
        }
        return ranges;
    }

    /** {@code [0.25, 0.5, 0.75, 1.0]}: strictly increasing upper bounds in (0, 1]; the first bin starts at 0. */
    static List<double[]> fromUpperBounds(List<?> list) {
        List<double[]> ranges = new ArrayList<>(list.size());
        double low = 0;
        for (Object item : list) {
            double high = ((Number) item).doubleValue();
            if (!(high > low) || !(high <= 1)) {
                return null;
            }
            ranges.add(new double[]{low, high});
            low = high;
        }
        return ranges;
    }
}
