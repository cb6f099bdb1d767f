package dev.kiln.node.imaging;

import dev.kiln.node.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ImageHeaderTest {
    private final java.awt.image.BufferedImage image = TestImages.scene(123, 45, 1);

    @Test
    void readsFormatAndSizeOfPngJpegAndBmp() {
        assertThat(ImageHeader.read(TestImages.encode(image, "png"))).contains(new ImageHeader(ImageFormat.PNG, 123, 45));
        assertThat(ImageHeader.read(TestImages.encode(image, "jpg"))).contains(new ImageHeader(ImageFormat.JPEG, 123, 45));
        assertThat(ImageHeader.read(TestImages.encode(image, "bmp"))).contains(new ImageHeader(ImageFormat.BMP, 123, 45));
    }

    @Test
    void readsWebpLosslessHeader() {
        // VP8L: signature 0x2f, then 14 bits width-1 and 14 bits height-1, little-endian.
        int bits = (123 - 1) | (45 - 1) << 14;
        byte[] webp = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L', 0, 0, 0, 0, 0x2f,
                (byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)};
        assertThat(ImageHeader.read(webp)).contains(new ImageHeader(ImageFormat.WEBP, 123, 45));
    }

    @Test
    void refusesTextAndTruncatedHeaders() {
        assertThat(ImageHeader.read("hello, not an image".getBytes())).isEmpty();
        byte[] png = TestImages.encode(image, "png");
        assertThat(ImageHeader.read(Arrays.copyOf(png, 12))).isEmpty();
        assertThat(ImageHeader.looksLikeImage(Arrays.copyOf(png, 12))).isTrue();
        byte[] jpeg = TestImages.encode(image, "jpg");
        assertThat(ImageHeader.read(Arrays.copyOf(jpeg, 4))).isEmpty();
    }
}
