package dev.kiln.node.routines;

import dev.kiln.node.adapters.Nms;
import dev.kiln.node.adapters.Prediction;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Suppresses predictions that overlap a more confident one by more than {@code iou}, whatever their classes: the
 * adapters' NMS is class-wise, so this is how a client removes two labels on one object. Predictions without a
 * bound (classification) pass through, which makes it a no-op there.
 */
record FilterIou(double iou) implements Routine {
    static final String NAME = "FilterIOU";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Prediction> apply(List<Prediction> predictions, Map<String, Object> results) {
        int n = predictions.size();
        double[] boxes = new double[4 * n];
        for (int i = 0; i < n; i++) {
            box(predictions.get(i).bound(), boxes, i);
        }
        int[] order = IntStream.range(0, n).filter(i -> predictions.get(i).bound() != null).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> predictions.get(i).confidence()).reversed())
                .mapToInt(Integer::intValue).toArray();
        boolean[] kept = new boolean[n];
        for (int i : Nms.keep(boxes, null, order, iou, n)) {
            kept[i] = true;
        }
        // Original order is kept: an earlier routine or the adapter decided it.
        return IntStream.range(0, n).filter(i -> predictions.get(i).bound() == null || kept[i])
                .mapToObj(predictions::get).toList();
    }

    private static void box(List<List<Double>> bound, double[] boxes, int i) {
        if (bound == null || bound.isEmpty()) {
            return;
        }
        double xmin = Double.POSITIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (List<Double> p : bound) {
            xmin = Math.min(xmin, p.get(0));
            ymin = Math.min(ymin, p.get(1));
            xmax = Math.max(xmax, p.get(0));
            ymax = Math.max(ymax, p.get(1));
        }
        boxes[4 * i] = xmin;
        boxes[4 * i + 1] = ymin;
        boxes[4 * i + 2] = xmax;
        boxes[4 * i + 3] = ymax;
    }
}
