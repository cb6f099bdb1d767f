package dev.kiln.node.adapters;

import dev.kiln.node.testing.OnnxModelWriter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * YOLOv5 and YOLOv8 layouts from a 64×64 letterboxed input: a 128×64 image is scaled by 0.5 and padded by 16 rows at
 * the top, so tensor x maps to x / 64 and tensor y to (y − 16) / 32 of the image.
 */
class YoloAdaptersTest {
    private static final String NAMES = "{0: 'cat', 1: 'dog'}";
    /** cx, cy, w, h in tensor pixels, then the score of class 0 and class 1, per candidate. */
    private static final float[][] CANDIDATES = {
            {16, 32, 16, 16, 0.9f, 0.1f},   // cat
            {18, 32, 16, 16, 0.8f, 0},      // the same cat, less sure: IoU 0.78, suppressed
            {18, 32, 16, 16, 0, 0.7f},      // a dog at the same place: another class, kept
            {48, 32, 8, 8, 0.3f, 0},        // a small cat, above the default confidence 0.25
            {48, 32, 8, 8, 0, 0.2f},        // below it
            {0, 0, 0, 0, 0, 0},
            {0, 0, 0, 0, 0, 0},
            {0, 0, 0, 0, 0, 0}};

    /** [1, 4+C, N]: one column per candidate. */
    private static OnnxModelWriter yolov8() {
        int n = CANDIDATES.length;
        float[] v = new float[6 * n];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < 6; a++) {
                v[a * n + i] = CANDIDATES[i][a];
            }
        }
        return new OnnxModelWriter().imageInput("images", 64).metadata("names", NAMES)
                .output("output0", new long[]{1, 6, n}, v);
    }

    /**
     * [1, N, 5+C]: objectness multiplies the class scores, so each candidate's objectness × class score gives the
     * confidences of {@link #CANDIDATES}; a ninth has a sure class but low objectness and must be dropped.
     */
    private static OnnxModelWriter yolov5() {
        float[][] rows = {
                {16, 32, 16, 16, 0.9f, 1, 0},
                {18, 32, 16, 16, 1, 0.8f, 0},
                {18, 32, 16, 16, 0.875f, 0, 0.8f},
                {48, 32, 8, 8, 0.5f, 0.6f, 0},
                {48, 32, 8, 8, 0.2f, 0, 1},
                {40, 40, 8, 8, 0.1f, 0.99f, 0},
                {0, 0, 0, 0, 0, 0, 0},
                {0, 0, 0, 0, 0, 0, 0},
                {0, 0, 0, 0, 0, 0, 0}};
        float[] v = new float[rows.length * 7];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, v, i * 7, 7);
        }
        return new OnnxModelWriter().imageInput("images", 64).metadata("names", NAMES)
                .output("output0", new long[]{1, rows.length, 7}, v);
    }

    private static void assertTheExpectedDetections(List<Prediction> predictions) {
        assertThat(predictions).extracting(Prediction::confidence).containsExactly(0.9, 0.7, 0.3);
        assertThat(predictions).extracting(p -> p.tag().name()).containsExactly("cat", "dog", "cat");
        assertThat(predictions).allSatisfy(p -> assertThat(p.boundType()).isEqualTo("rectangle"));
        // (16,32) 16×16 → x 8..24, y 24..40 in the tensor → 0.125..0.375 and 0.25..0.75 of the image.
        assertThat(LayoutModels.box(predictions.get(0))).containsExactly(new double[]{0.125, 0.25, 0.375, 0.75},
                within(1e-6));
        assertThat(LayoutModels.box(predictions.get(2))).containsExactly(
                new double[]{0.6875, 0.375, 0.8125, 0.625}, within(1e-6));
    }

    @Test
    void yolov8CandidatesAreFilteredSuppressedPerClassAndMappedThroughTheLetterbox() throws Exception {
        assertTheExpectedDetections(LayoutModels.run(yolov8(), new Yolov8Adapter(), 128, 64));
    }

    @Test
    void yolov5ConfidenceIsObjectnessTimesClassScore() throws Exception {
        assertTheExpectedDetections(LayoutModels.run(yolov5(), new Yolov5Adapter(), 128, 64));
    }

    @Test
    void confidenceAndIouComeFromTheDescriptor() throws Exception {
        List<Prediction> strict = LayoutModels.run(yolov8(), LayoutModels.options(Map.of("confidence", 0.5)),
                new Yolov8Adapter(), 128, 64);
        assertThat(strict).extracting(Prediction::confidence).containsExactly(0.9, 0.7);
        List<Prediction> overlapping = LayoutModels.run(yolov5(), LayoutModels.options(Map.of("iou", 0.8)),
                new Yolov5Adapter(), 128, 64);
        assertThat(overlapping).extracting(Prediction::confidence).containsExactly(0.9, 0.8, 0.7, 0.3);
    }

    @Test
    void aSquareImageHasNoPaddingToUndo() throws Exception {
        List<Prediction> predictions = LayoutModels.run(yolov8(), new Yolov8Adapter(), 64, 64);
        assertThat(LayoutModels.box(predictions.getFirst())).containsExactly(
                new double[]{0.125, 0.375, 0.375, 0.625}, within(1e-6));
    }
}
