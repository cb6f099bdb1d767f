package dev.kiln.node.imaging;

import dev.kiln.node.runtime.DirectBufferPool;
import dev.kiln.protocol.InputSpec;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PreprocessorTest {
    private final ImageDecoder decoder = new ImageDecoder(ImagingConfig.defaults(), new PixelBudget(Long.MAX_VALUE));
    private final DirectBufferPool pool = new DirectBufferPool(2);
    /** Two pixels: pure red and (0, 128, 255). */
    private final RgbArray twoPixels = new RgbArray(2, 1, new byte[]{(byte) 255, 0, 0, 0, (byte) 128, (byte) 255});

    private static InputSpec spec(String layout, String order, double scale, List<Double> mean, List<Double> std,
                                  String dtype) {
        return new InputSpec("x", layout, null, null, order, scale, mean, std, dtype, "none", false);
    }

    private float[] floats(PreparedInput input) {
        FloatBuffer fb = input.tensor().buffer().asFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
    }

    @Test
    void nchwScalesThenNormalizesPerChannel() {
        InputSpec spec = spec("NCHW", "RGB", 1 / 255.0, List.of(0.5, 0.25, 0.0), List.of(0.5, 0.25, 2.0), "float32");
        try (DecodedImage image = decoder.fromRgb(twoPixels, Duration.ZERO);
             PreparedInput input = Preprocessor.prepare(image, spec, Map.of(), pool)) {
            assertThat(input.tensor().shape()).containsExactly(1, 3, 1, 2);
            // Planes R, G, B; value = (v/255 - mean) / std.
            assertThat(floats(input)).usingComparatorWithPrecision(1e-5f).containsExactly(
                    (1f - 0.5f) / 0.5f, (0f - 0.5f) / 0.5f,
                    (0f - 0.25f) / 0.25f, (128 / 255f - 0.25f) / 0.25f,
                    (0f - 0f) / 2f, (1f - 0f) / 2f);
        }
    }

    @Test
    void bgrModelsGetChannelsSwapped() {
        InputSpec spec = spec("CHW", "BGR", 1.0, List.of(), List.of(), "float32");
        try (DecodedImage image = decoder.fromRgb(twoPixels, Duration.ZERO);
             PreparedInput input = Preprocessor.prepare(image, spec, Map.of(), pool)) {
            assertThat(input.tensor().shape()).containsExactly(3, 1, 2);
            assertThat(floats(input)).containsExactly(0f, 255f, 0f, 128f, 255f, 0f);
        }
    }

    @Test
    void decodedFilesAreBgrAndComeOutRgb() {
        byte[] png = dev.kiln.node.testing.TestImages.encode(solid(0xFF2040), "png");
        InputSpec spec = spec("HWC", "RGB", 1.0, List.of(), List.of(), "float32");
        try (DecodedImage image = decoder.decode(png, (w, h) -> 1, Duration.ZERO);
             PreparedInput input = Preprocessor.prepare(image, spec, Map.of(), pool)) {
            assertThat(image.rgb()).isFalse();
            float[] v = floats(input);
            assertThat(v[0]).isEqualTo(255f);
            assertThat(v[1]).isEqualTo(0x20);
            assertThat(v[2]).isEqualTo(0x40);
        }
    }

    @Test
    void nhwcUint8KeepsRawBytes() {
        InputSpec spec = spec("NHWC", "RGB", 1.0, List.of(), List.of(), "uint8");
        try (DecodedImage image = decoder.fromRgb(twoPixels, Duration.ZERO);
             PreparedInput input = Preprocessor.prepare(image, spec, Map.of(), pool)) {
            assertThat(input.tensor().uint8()).isTrue();
            assertThat(input.tensor().shape()).containsExactly(1, 1, 2, 3);
            byte[] out = new byte[6];
            input.tensor().buffer().get(0, out);
            assertThat(out).isEqualTo(twoPixels.rgb());
        }
    }

    @Test
    void dynamicSizeIsBoundedByMaxSideAndRoundedToTheMultiple() {
        InputSpec dynamic = spec("NCHW", "RGB", 1.0, List.of(), List.of(), "float32");
        assertThat(Preprocessor.targetSize(dynamic, Map.of(), 640, 480)).containsExactly(640, 480);
        assertThat(Preprocessor.targetSize(dynamic, Map.of("maxSide", 960, "sizeMultiple", 32), 1920, 1000))
                .containsExactly(960, 512);
        assertThat(Preprocessor.targetSize(dynamic, Map.of("sizeMultiple", 32), 10, 300)).containsExactly(32, 288);
        InputSpec fixed = new InputSpec("x", "NCHW", 224, 320, "RGB", 1, List.of(), List.of(), "float32", "stretch", false);
        assertThat(Preprocessor.targetSize(fixed, Map.of("maxSide", 100), 1000, 1000)).containsExactly(320, 224);
    }

    @Test
    void theNodesMaxSideAppliesOnlyWhereTheDescriptorSetsNone() {
        InputSpec dynamic = spec("CHW", "RGB", 1.0, List.of(), List.of(), "float32");
        Map<String, Object> bounded = Preprocessor.withMaxSide(Map.of(), 1333);
        assertThat(Preprocessor.targetSize(dynamic, bounded, 4000, 3000)).containsExactly(1333, 1000);
        assertThat(Preprocessor.targetSize(dynamic, bounded, 640, 480)).containsExactly(640, 480);
        Map<String, Object> own = Map.of("maxSide", 960, "sizeMultiple", 32);
        assertThat(Preprocessor.withMaxSide(own, 1333)).isSameAs(own);
        assertThat(Preprocessor.withMaxSide(null, 0)).isNull();
        // A 12 MP JPEG bound to 1333 pixels is decoded at half size.
        assertThat(Preprocessor.jpegReduction(dynamic, bounded, 4000, 3000)).isEqualTo(2);
    }

    @Test
    void jpegReductionKeepsAtLeastTheTensorsPixels() {
        InputSpec fixed = new InputSpec("x", "NCHW", 224, 224, "RGB", 1, List.of(), List.of(), "float32", "stretch", false);
        assertThat(Preprocessor.jpegReduction(fixed, Map.of(), 4000, 3000)).isEqualTo(8);
        assertThat(Preprocessor.jpegReduction(fixed, Map.of(), 1000, 800)).isEqualTo(2);
        assertThat(Preprocessor.jpegReduction(fixed, Map.of(), 300, 300)).isEqualTo(1);
        InputSpec dynamic = spec("NCHW", "RGB", 1.0, List.of(), List.of(), "float32");
        assertThat(Preprocessor.jpegReduction(dynamic, Map.of(), 4000, 3000)).isEqualTo(1);
        assertThat(Preprocessor.jpegReduction(dynamic, Map.of("maxSide", 960), 4000, 3000)).isEqualTo(4);
    }

    @Test
    void letterboxPadsCenteredAndGeometryUndoesIt() {
        InputSpec spec = new InputSpec("x", "NCHW", 100, 100, "RGB", 1.0, List.of(), List.of(), "float32",
                "letterbox", false);
        byte[] white = new byte[200 * 100 * 3];
        java.util.Arrays.fill(white, (byte) 255);
        try (DecodedImage image = decoder.fromRgb(new RgbArray(200, 100, white), Duration.ZERO);
             PreparedInput input = Preprocessor.prepare(image, spec, Map.of(), pool)) {
            Geometry g = input.geometry();
            assertThat(g.scaleX()).isEqualTo(0.5);
            assertThat(g.padY()).isEqualTo(25);
            float[] v = floats(input);
            assertThat(v[10 * 100 + 50]).isEqualTo(114f); // padding row 10
            assertThat(v[50 * 100 + 50]).isEqualTo(255f); // image row 50
            // Tensor (0,25)-(100,75) is the whole image.
            assertThat(g.x(0)).isEqualTo(0);
            assertThat(g.y(25)).isEqualTo(0);
            assertThat(g.x(100)).isEqualTo(1);
            assertThat(g.y(75)).isEqualTo(1);
            assertThat(g.x(50)).isCloseTo(0.5, within(1e-9));
            assertThat(g.y(10)).isEqualTo(0); // in the padding: clamped
        }
    }

    @Test
    void stretchGeometryMapsTensorPixelsToTheOriginal() {
        InputSpec spec = new InputSpec("x", "NCHW", 50, 100, "RGB", 1.0, List.of(), List.of(), "float32",
                "stretch", false);
        try (DecodedImage image = decoder.fromRgb(new RgbArray(400, 100, new byte[400 * 100 * 3]), Duration.ZERO);
             PreparedInput input = Preprocessor.prepare(image, spec, Map.of(), pool)) {
            assertThat(input.tensor().shape()).containsExactly(1, 3, 50, 100);
            assertThat(input.geometry().x(25)).isCloseTo(0.25, within(1e-9));
            assertThat(input.geometry().y(25)).isCloseTo(0.5, within(1e-9));
        }
    }

    private static java.awt.image.BufferedImage solid(int rgb) {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }
}
