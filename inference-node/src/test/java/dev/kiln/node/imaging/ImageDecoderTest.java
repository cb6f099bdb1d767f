package dev.kiln.node.imaging;

import dev.kiln.node.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(ImagingConfig.defaults(), new PixelBudget(Long.MAX_VALUE));
    private final BufferedImage scene = TestImages.scene(160, 120, 2);

    @Test
    void decodesPngWithExactPixels() {
        try (DecodedImage image = decoder.decode(TestImages.encode(scene, "png"), (w, h) -> 1, Duration.ZERO)) {
            assertThat(image.width()).isEqualTo(160);
            assertThat(image.height()).isEqualTo(120);
            assertThat(image.rgb()).isFalse();
            byte[] bgr = new byte[3];
            image.pixels().ptr(10, 20).get(bgr);
            int rgb = scene.getRGB(20, 10);
            assertThat(bgr).containsExactly((byte) (rgb & 0xFF), (byte) (rgb >> 8 & 0xFF), (byte) (rgb >> 16 & 0xFF));
        }
    }

    @Test
    void decodesJpegAndBmp() {
        for (String format : new String[]{"jpg", "bmp"}) {
            try (DecodedImage image = decoder.decode(TestImages.encode(scene, format), (w, h) -> 1, Duration.ZERO)) {
                assertThat(image.pixelWidth()).isEqualTo(160);
                assertThat(image.pixelHeight()).isEqualTo(120);
            }
        }
    }

    @Test
    void reducedJpegDecodeKeepsTheOriginalSize() {
        byte[] jpeg = TestImages.encode(TestImages.scene(800, 600, 3), "jpg");
        try (DecodedImage image = decoder.decode(jpeg, (w, h) -> 4, Duration.ZERO)) {
            assertThat(image.pixelWidth()).isEqualTo(200);
            assertThat(image.pixelHeight()).isEqualTo(150);
            assertThat(image.width()).isEqualTo(800);
            assertThat(image.height()).isEqualTo(600);
        }
    }

    @Test
    void base64WithAndWithoutDataPrefix() {
        byte[] png = TestImages.encode(scene, "png");
        String plain = Base64.getEncoder().encodeToString(png);
        assertThat(Base64Image.decode(plain)).isEqualTo(png);
        assertThat(Base64Image.decode("data:image/png;base64," + plain)).isEqualTo(png);
        assertThat(Base64Image.decode(Base64.getMimeEncoder().encodeToString(png))).isEqualTo(png);
        assertThat(Base64Image.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(png))).isEqualTo(png);
    }

    @Test
    void invalidBase64IsA400OnData() {
        assertThatThrownBy(() -> Base64Image.decode("not*base64!"))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.detail()).singleElement().satisfies(d -> {
                        assertThat(d.loc()).containsExactly("body", "data");
                        assertThat(d.type()).isEqualTo("value_error.base64");
                    });
                });
    }

    @Test
    void bytesThatAreNotAnImageAreA400() {
        assertThatThrownBy(() -> decoder.decode("just some text".getBytes(), (w, h) -> 1, Duration.ZERO))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("not an image");
                });
    }

    @Test
    void corruptImageWithAValidHeaderIsA400() {
        byte[] png = TestImages.encode(scene, "png");
        byte[] cut = Arrays.copyOf(png, 60);
        assertThatThrownBy(() -> decoder.decode(cut, (w, h) -> 1, Duration.ZERO))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void pixelBombIsRefusedFromItsHeader() {
        // A 30000 × 30000 PNG header (900 MP) with nothing behind it: refused before any decoder allocates.
        byte[] bomb = TestImages.pngHeader(30_000, 30_000);
        assertThatThrownBy(() -> decoder.decode(bomb, (w, h) -> 1, Duration.ZERO))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("30000 × 30000");
                });
    }

    @Test
    void pixelLimitIsConfigurable() {
        ImageDecoder small = new ImageDecoder(new ImagingConfig(10_000, false, null, null, 0, 0, 10_000, 0),
                new PixelBudget(Long.MAX_VALUE));
        assertThatThrownBy(() -> small.decode(TestImages.encode(scene, "png"), (w, h) -> 1, Duration.ZERO))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThatThrownBy(() -> small.fromRgb(new RgbArray(200, 100, new byte[200 * 100 * 3]), Duration.ZERO))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void rgbArrayBecomesPixelsInRgbOrder() {
        byte[] rgb = {10, 20, 30, 40, 50, 60};
        try (DecodedImage image = decoder.fromRgb(new RgbArray(2, 1, rgb), Duration.ZERO)) {
            assertThat(image.rgb()).isTrue();
            byte[] out = new byte[6];
            image.pixels().data().get(out);
            assertThat(out).isEqualTo(rgb);
        }
    }

    @Test
    void decodedPixelsHoldTheirShareOfTheBudgetUntilTheImageIsClosed() {
        PixelBudget budget = new PixelBudget(1_000_000);
        ImageDecoder bounded = new ImageDecoder(ImagingConfig.defaults(), budget);
        try (DecodedImage image = bounded.decode(TestImages.encode(scene, "png"), (w, h) -> 1, Duration.ZERO)) {
            assertThat(budget.available()).isEqualTo(1_000_000 - (long) image.width() * image.height());
        }
        assertThat(budget.available()).isEqualTo(1_000_000);
    }

    @Test
    void aJpegDecodedAtReducedSizeTakesOnlyTheReducedPixels() {
        PixelBudget budget = new PixelBudget(1_000_000);
        ImageDecoder bounded = new ImageDecoder(ImagingConfig.defaults(), budget);
        try (DecodedImage image = bounded.decode(TestImages.encode(scene, "jpg"), (w, h) -> 4, Duration.ZERO)) {
            assertThat(budget.available()).isEqualTo(1_000_000 - (long) image.pixelWidth() * image.pixelHeight());
        }
    }

    @Test
    void anImageLargerThanTheWholeBudgetIsA413() {
        ImageDecoder bounded = new ImageDecoder(ImagingConfig.defaults(), new PixelBudget(1000));
        assertThatThrownBy(() -> bounded.decode(TestImages.encode(scene, "png"), (w, h) -> 1, Duration.ZERO))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("more than this node decodes at once");
                });
    }

    @Test
    void aBudgetThatStaysFullFailsTheWaitAsBusy() throws Exception {
        PixelBudget budget = new PixelBudget(1_000_000);
        ImageDecoder bounded = new ImageDecoder(ImagingConfig.defaults(), budget);
        PixelBudget.Outcome held = budget.acquire(1_000_000, 0);
        assertThatThrownBy(() -> bounded.decode(TestImages.encode(scene, "png"), (w, h) -> 1, Duration.ofMillis(50)))
                .isInstanceOf(DecodingBusyException.class);
        assertThatThrownBy(() -> bounded.fromRgb(new RgbArray(2, 1, new byte[6]), Duration.ofMillis(50)))
                .isInstanceOf(DecodingBusyException.class);
        ((PixelBudget.Granted) held).permit().close();
        assertThat(budget.available()).isEqualTo(1_000_000);
    }

    @Test
    void aCorruptImageGivesItsPixelsBack() {
        PixelBudget budget = new PixelBudget(1_000_000);
        ImageDecoder bounded = new ImageDecoder(ImagingConfig.defaults(), budget);
        byte[] cut = Arrays.copyOf(TestImages.encode(scene, "png"), 200);
        assertThatThrownBy(() -> bounded.decode(cut, (w, h) -> 1, Duration.ZERO))
                .isInstanceOf(ImageRejectedException.class);
        assertThat(budget.available()).isEqualTo(1_000_000);
    }
}
