package dev.kiln.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

/** The benchmark's 640×480 JPEG (a busy synthetic scene) and the float tensors raw ONNX Runtime is fed from it. */
final class BenchImage {
    static final int WIDTH = 640;
    static final int HEIGHT = 480;
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private BenchImage() {
    }

    static byte[] jpeg() {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image(), "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bench's scene: bands, ovals and rectangles, so the JPEG is of a realistic size. */
    static BufferedImage image() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Random random = new Random(42);
        for (int y = 0; y < HEIGHT; y += 8) {
            g.setColor(new Color(40 + y / 4, 90, 160 - y / 4));
            g.fillRect(0, y, WIDTH, 8);
        }
        for (int i = 0; i < 25; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            g.setStroke(new BasicStroke(1 + random.nextInt(5)));
            int w = 20 + random.nextInt(200);
            int h = 20 + random.nextInt(160);
            if (i % 2 == 0) {
                g.fillOval(random.nextInt(WIDTH - w), random.nextInt(HEIGHT - h), w, h);
            } else {
                g.drawRect(random.nextInt(WIDTH - w), random.nextInt(HEIGHT - h), w, h);
            }
        }
        g.dispose();
        return image;
    }

    /** RGB 0..1, {@code [3,H,W]} at the image's own size (the detector resizes inside its graph). */
    static FloatBuffer chw(byte[] jpeg) {
        BufferedImage image = decode(jpeg);
        return planar(image, 1f / 255, new float[3], new float[]{1, 1, 1});
    }

    /** ImageNet-normalized {@code [1,3,224,224]}, stretched. */
    static FloatBuffer imagenet(byte[] jpeg, int side) {
        BufferedImage scaled = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(decode(jpeg), 0, 0, side, side, null);
        g.dispose();
        return planar(scaled, 1f / 255, MEAN, STD);
    }

    private static BufferedImage decode(byte[] jpeg) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FloatBuffer planar(BufferedImage image, float scale, float[] mean, float[] std) {
        int w = image.getWidth();
        int h = image.getHeight();
        // Direct and in native order, so ONNX Runtime wraps it without a copy, as the node's tensors are.
        FloatBuffer out = ByteBuffer.allocateDirect(4 * 3 * w * h).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = ((image.getRGB(x, y) >> shift) & 0xff) * scale;
                    out.put((v - mean[c]) / std[c]);
                }
            }
        }
        return out.flip();
    }
}
