package dev.kiln.node.adapters;

/**
 * Greedy non-maximum suppression over axis-aligned boxes: going from the best candidate down, a box is dropped when
 * it overlaps an already kept one (of the same class, when classes are given) by more than the IoU threshold.
 */
public final class Nms {
    private Nms() {
    }

    /**
     * @param boxes   x1,y1,x2,y2 per candidate (x1 ≤ x2, y1 ≤ y2)
     * @param classes class per candidate for class-wise suppression, or null to suppress across classes
     * @param order   candidate indices, best first
     * @param max     at most this many are kept
     * @return the kept candidate indices, best first
     */
    public static int[] keep(double[] boxes, int[] classes, int[] order, double iou, int max) {
        int[] kept = new int[Math.min(order.length, Math.max(0, max))];
        int count = 0;
        boolean[] suppressed = new boolean[order.length];
        for (int a = 0; a < order.length && count < kept.length; a++) {
            if (suppressed[a]) {
                continue;
            }
            int i = order[a];
            kept[count++] = i;
            for (int b = a + 1; b < order.length; b++) {
                int j = order[b];
                if (!suppressed[b] && (classes == null || classes[i] == classes[j]) && iou(boxes, i, j) > iou) {
                    suppressed[b] = true;
                }
            }
        }
        return java.util.Arrays.copyOf(kept, count);
    }

    /** Intersection over union of boxes {@code i} and {@code j}; 0 when both are empty. */
    public static double iou(double[] boxes, int i, int j) {
        double ix = Math.min(boxes[4 * i + 2], boxes[4 * j + 2]) - Math.max(boxes[4 * i], boxes[4 * j]);
        double iy = Math.min(boxes[4 * i + 3], boxes[4 * j + 3]) - Math.max(boxes[4 * i + 1], boxes[4 * j + 1]);
        if (ix <= 0 || iy <= 0) {
            return 0;
        }
        double inter = ix * iy;
        double union = area(boxes, i) + area(boxes, j) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    private static double area(double[] boxes, int i) {
        return Math.max(0, boxes[4 * i + 2] - boxes[4 * i]) * Math.max(0, boxes[4 * i + 3] - boxes[4 * i + 1]);
    }
}
