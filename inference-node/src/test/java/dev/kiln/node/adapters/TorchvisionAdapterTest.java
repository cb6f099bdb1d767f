package dev.kiln.node.adapters;

import dev.kiln.node.testing.ModelRunner;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** torchvision outputs of the real ssdlite sample, normalized to the original image. */
class TorchvisionAdapterTest {
    private static ModelRunner ssdlite;

    @BeforeAll
    static void load() throws Exception {
        ssdlite = new ModelRunner(SampleModels.SSDLITE);
    }

    @AfterAll
    static void close() throws Exception {
        ssdlite.close();
    }

    @Test
    void boxesAreNormalizedToTheOriginalImageAndSorted() throws Exception {
        int width = 640;
        int height = 480;
        ModelRunner.Result result = ssdlite.run(TestImages.encode(TestImages.scene(width, height, 7), "jpg"),
                new TorchvisionAdapter());
        // The sample's input is [3, H, W] at the image's own size.
        assertThat(result.tensorShape()).containsExactly(3, height, width);
        List<Prediction> predictions = result.predictions();
        assertThat(predictions).isNotEmpty();
        assertThat(predictions.getFirst().confidence()).isGreaterThanOrEqualTo(0.2);
        for (int i = 0; i < predictions.size(); i++) {
            Prediction p = predictions.get(i);
            assertThat(p.boundType()).isEqualTo("rectangle");
            assertThat(p.tag().name()).isEqualTo("class_" + p.tag().id());
            List<List<Double>> b = p.bound();
            double xmin = b.get(0).get(0);
            double ymin = b.get(0).get(1);
            double xmax = b.get(2).get(0);
            double ymax = b.get(2).get(1);
            assertThat(List.of(xmin, ymin, xmax, ymax)).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
            assertThat(b.get(1)).containsExactly(xmin, ymax);
            assertThat(b.get(3)).containsExactly(xmax, ymin);
            assertThat(xmax).isGreaterThanOrEqualTo(xmin);
            assertThat(ymax).isGreaterThanOrEqualTo(ymin);
            if (i > 0) {
                assertThat(p.confidence()).isLessThanOrEqualTo(predictions.get(i - 1).confidence());
            }
            // Consistent with the model's own pixel boxes (it sorts by score too) over the image size.
            float[] raw = result.rawBoxes();
            assertThat(xmin).isCloseTo(clamp(Math.min(raw[4 * i], raw[4 * i + 2]) / width), within(1e-5));
            assertThat(ymax).isCloseTo(clamp(Math.max(raw[4 * i + 1], raw[4 * i + 3]) / height), within(1e-5));
        }
    }

    @Test
    void theSameSceneAtTwoSizesGivesBoxesAtTheSameRelativePlaces() throws Exception {
        // The same picture at two sizes must give boxes at the same relative places (the model resizes to 320).
        ModelRunner.Result small = ssdlite.run(TestImages.encode(TestImages.scene(320, 240, 9), "png"),
                new TorchvisionAdapter());
        ModelRunner.Result large = ssdlite.run(TestImages.encode(TestImages.scene(640, 480, 9), "png"),
                new TorchvisionAdapter());
        Prediction a = small.predictions().getFirst();
        Prediction b = large.predictions().getFirst();
        assertThat(a.tag()).isEqualTo(b.tag());
        for (int corner = 0; corner < 4; corner++) {
            for (int axis = 0; axis < 2; axis++) {
                assertThat(a.bound().get(corner).get(axis)).isCloseTo(b.bound().get(corner).get(axis), within(0.05));
            }
        }
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
