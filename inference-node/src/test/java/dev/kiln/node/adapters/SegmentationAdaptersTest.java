package dev.kiln.node.adapters;

import dev.kiln.node.testing.OnnxModelWriter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Masks turned into polygons: semantic segmentation maps and torchvision instance masks. */
class SegmentationAdaptersTest {

    /**
     * [1,3,8,8] for a 16×16 input, so each map pixel is 2 tensor pixels and 1/8 of the image: background everywhere,
     * "road" in columns 1..4 of rows 2..3, "car" in a 3×3 block at columns 5..7 of rows 5..7 and one stray pixel at
     * (0, 7). The best class's value is {@code high}, the others' {@code low}.
     */
    private static OnnxModelWriter semantic(float high, float low) {
        int[][] classOf = new int[8][8];
        for (int x = 1; x <= 4; x++) {
            classOf[2][x] = 1;
            classOf[3][x] = 1;
        }
        for (int y = 5; y <= 7; y++) {
            for (int x = 5; x <= 7; x++) {
                classOf[y][x] = 2;
            }
        }
        classOf[7][0] = 2;
        float[] v = new float[3 * 64];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    v[c * 64 + y * 8 + x] = classOf[y][x] == c ? high : low;
                }
            }
        }
        return new OnnxModelWriter().imageInput("input", 16).metadata("names", "{0: 'background', 1: 'road', 2: 'car'}")
                .output("out", new long[]{1, 3, 8, 8}, v);
    }

    private static Prediction byName(List<Prediction> predictions, String name) {
        return predictions.stream().filter(p -> p.tag().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyClassPresentBecomesOneMaskWithItsLargestRegionAsPolygon() throws Exception {
        List<Prediction> predictions = LayoutModels.run(semantic(5, 0), new SemanticSegmentationAdapter(), 64, 48);
        assertThat(predictions).extracting(p -> p.tag().name())
                .containsExactlyInAnyOrder("background", "road", "car");
        // Logits: the best class's softmax probability, the same at every pixel here.
        double p = Math.exp(5) / (Math.exp(5) + 2);
        assertThat(predictions).allSatisfy(prediction -> {
            assertThat(prediction.boundType()).isEqualTo("masks");
            assertThat(prediction.contourType()).isEqualTo("polygon");
            assertThat(prediction.confidence()).isCloseTo(p, within(1e-6));
        });
        Prediction road = byName(predictions, "road");
        assertThat(LayoutModels.box(road)).containsExactly(new double[]{1 / 8.0, 2 / 8.0, 5 / 8.0, 4 / 8.0},
                within(1e-6));
        // The outline runs through the centres of the border pixels.
        assertThat(road.contour()).containsExactlyInAnyOrder(List.of(1.5 / 8, 2.5 / 8), List.of(1.5 / 8, 3.5 / 8),
                List.of(4.5 / 8, 3.5 / 8), List.of(4.5 / 8, 2.5 / 8));
        // The car's bound covers the stray pixel too; its polygon is the 3×3 block.
        Prediction car = byName(predictions, "car");
        assertThat(LayoutModels.box(car)).containsExactly(new double[]{0, 5 / 8.0, 1, 1}, within(1e-6));
        assertThat(car.contour()).hasSize(4)
                .allSatisfy(point -> assertThat(point.get(0)).isBetween(5.5 / 8 - 1e-6, 7.5 / 8 + 1e-6));
    }

    @Test
    void probabilitiesAreTakenAsTheyAreAndTheBackgroundOptionHidesAClass() throws Exception {
        List<Prediction> predictions = LayoutModels.run(semantic(0.8f, 0.1f),
                LayoutModels.options(Map.of("background", 0)), new SemanticSegmentationAdapter(), 32, 32);
        assertThat(predictions).extracting(p -> p.tag().name()).containsExactlyInAnyOrder("road", "car");
        assertThat(predictions).allSatisfy(p -> assertThat(p.confidence()).isCloseTo(0.8, within(1e-6)));
    }

    /**
     * Mask R-CNN's layout for a 16×16 input and a 32×32 image (tensor pixel / 16 = image fraction): the first
     * detection's mask is sure (0.9) in a 6×6 block inside its box, unsure (0.4) around it and sure again in a stray
     * 2×2 block; the second detection's mask is nowhere above 0.5.
     */
    private static OnnxModelWriter maskRcnn() {
        float[] masks = new float[2 * 256];
        for (int y = 2; y < 10; y++) {
            for (int x = 2; x < 10; x++) {
                masks[y * 16 + x] = x >= 3 && x <= 8 && y >= 3 && y <= 8 ? 0.9f : 0.4f;
            }
        }
        for (int y = 12; y < 14; y++) {
            for (int x = 12; x < 14; x++) {
                masks[y * 16 + x] = 0.9f;
            }
        }
        for (int i = 256; i < 512; i++) {
            masks[i] = 0.3f;
        }
        return new OnnxModelWriter().imageInput("images", 16)
                .output("boxes", new long[]{2, 4}, 2f, 2f, 10f, 10f, 0f, 0f, 16f, 8f)
                .output("labels", new long[]{2}, 1L, 3L)
                .output("scores", new long[]{2}, 0.9f, 0.6f)
                .output("masks", new long[]{2, 1, 16, 16}, masks);
    }

    @Test
    void instanceMasksBecomeTheOutlineOfTheirLargestRegion() throws Exception {
        List<Prediction> predictions = LayoutModels.run(maskRcnn(), new TorchvisionAdapter(), 32, 32);
        assertThat(predictions).hasSize(2);
        Prediction first = predictions.getFirst();
        assertThat(first.confidence()).isEqualTo(0.9);
        assertThat(first.boundType()).isEqualTo("masks");
        assertThat(first.contourType()).isEqualTo("polygon");
        assertThat(LayoutModels.box(first)).containsExactly(new double[]{0.125, 0.125, 0.625, 0.625}, within(1e-6));
        double lo = 3.5 / 16;
        double hi = 8.5 / 16;
        assertThat(first.contour()).containsExactlyInAnyOrder(List.of(lo, lo), List.of(lo, hi), List.of(hi, hi),
                List.of(hi, lo));
    }

    @Test
    void aDetectionWhoseMaskIsEmptyStaysABox() throws Exception {
        Prediction second = LayoutModels.run(maskRcnn(), new TorchvisionAdapter(), 32, 32).get(1);
        assertThat(second.confidence()).isEqualTo(0.6);
        assertThat(second.boundType()).isEqualTo("rectangle");
        assertThat(second.contour()).isNull();
        assertThat(LayoutModels.box(second)).containsExactly(new double[]{0, 0, 1, 0.5}, within(1e-6));
    }
}
