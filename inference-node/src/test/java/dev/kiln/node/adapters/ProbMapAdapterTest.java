package dev.kiln.node.adapters;

import dev.kiln.node.testing.ModelRunner;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.geom.Rectangle2D;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProbMapAdapterTest {
    private static final ProbMapAdapter.Settings DB = new ProbMapAdapter.Settings(0.3, 0.6, 1.5, 1000,
            new Tag(0, "text"));

    @Test
    void regionIsExpandedByUnclipRatioTimesAreaOverPerimeter() {
        int w = 100;
        int h = 50;
        float[] map = new float[w * h];
        fill(map, w, 20, 10, 40, 20, 0.9f);
        List<Prediction> regions = ProbMapAdapter.regions(map, w, h, DB, (x, y) -> new double[]{x / w, y / h});
        assertThat(regions).singleElement().satisfies(p -> {
            assertThat(p.confidence()).isCloseTo(0.9, within(1e-4));
            // minAreaRect over pixel centres: 39 × 19; d = 39·19·1.5 / (2·58) ≈ 9.58.
            double d = 39 * 19 * 1.5 / (2 * 58.0);
            assertThat(p.bound().get(0).get(0)).isCloseTo((20 - d) / w, within(0.02));
            assertThat(p.bound().get(2).get(0)).isCloseTo((59 + d) / w, within(0.02));
            assertThat(p.bound().get(0).get(1)).isCloseTo((10 - d) / h, within(0.03));
            assertThat(p.bound().get(2).get(1)).isCloseTo((29 + d) / h, within(0.03));
            assertThat(p.contourType()).isEqualTo("polygon");
            assertThat(p.contour()).hasSize(4);
            assertThat(p.tag()).isEqualTo(new Tag(0, "text"));
        });
    }

    @Test
    void weakAndTinyRegionsAreDropped() {
        int w = 100;
        int h = 50;
        float[] map = new float[w * h];
        fill(map, w, 5, 5, 30, 20, 0.45f);   // above the pixel threshold, below the region score
        fill(map, w, 60, 30, 2, 2, 0.99f);   // too small to be text
        fill(map, w, 50, 5, 30, 15, 0.8f);   // kept
        List<Prediction> regions = ProbMapAdapter.regions(map, w, h, DB, (x, y) -> new double[]{x / w, y / h});
        assertThat(regions).singleElement().satisfies(p -> assertThat(p.confidence()).isCloseTo(0.8, within(1e-4)));
    }

    @Test
    void orderIsTopLeftTopRightBottomRightBottomLeft() {
        double[][] ordered = ProbMapAdapter.order(new double[][]{{5, 5}, {0, 0}, {0, 5}, {5, 0}});
        assertThat(ordered).isDeepEqualTo(new double[][]{{0, 0}, {5, 0}, {5, 5}, {0, 5}});
    }

    /** The trained text detector finds each rendered word where it was drawn. */
    @Test
    void ppocrFindsRenderedWordsAtTheirPlaces() throws Exception {
        int width = 800;
        int height = 300;
        List<Rectangle2D> words = TestImages.newBoxes();
        byte[] png = TestImages.encode(TestImages.text(width, height, new String[]{"Kiln detects text",
                "Hello World 2025"}, 48, words), "png");
        try (ModelRunner ppocr = new ModelRunner(SampleModels.PPOCR)) {
            List<Prediction> regions = ppocr.run(png, new ProbMapAdapter()).predictions();
            assertThat(regions.size()).isGreaterThanOrEqualTo(words.size());
            for (Rectangle2D word : words) {
                Rectangle2D normalized = new Rectangle2D.Double(word.getX() / width, word.getY() / height,
                        word.getWidth() / width, word.getHeight() / height);
                assertThat(regions).as("a region around %s", word).anySatisfy(r -> {
                    Rectangle2D bound = bound(r);
                    assertThat(bound.contains(normalized.getCenterX(), normalized.getCenterY())).isTrue();
                    assertThat(iou(bound, normalized)).isGreaterThan(0.5);
                    assertThat(r.confidence()).isGreaterThan(0.9);
                });
            }
            // Nothing is found in the empty bottom of the image.
            for (Prediction region : regions) {
                assertThat(bound(region).getMaxY()).isLessThan(0.7);
                assertThat(region.contour()).hasSize(4);
                assertThat(region.tag().name()).isEqualTo("text");
            }
        }
    }

    private static Rectangle2D bound(Prediction p) {
        double x0 = p.bound().get(0).get(0);
        double y0 = p.bound().get(0).get(1);
        return new Rectangle2D.Double(x0, y0, p.bound().get(2).get(0) - x0, p.bound().get(2).get(1) - y0);
    }

    private static double iou(Rectangle2D a, Rectangle2D b) {
        Rectangle2D i = a.createIntersection(b);
        double inter = i.isEmpty() ? 0 : i.getWidth() * i.getHeight();
        return inter / (a.getWidth() * a.getHeight() + b.getWidth() * b.getHeight() - inter);
    }

    private static void fill(float[] map, int w, int x0, int y0, int rw, int rh, float v) {
        for (int y = y0; y < y0 + rh; y++) {
            for (int x = x0; x < x0 + rw; x++) {
                map[y * w + x] = v;
            }
        }
    }
}
