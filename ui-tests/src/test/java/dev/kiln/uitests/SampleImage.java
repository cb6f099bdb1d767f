package dev.kiln.uitests;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A synthetic scene with a few solid shapes, as a JPEG file. The sample detector's weights are random (see
 * shared/models/README.md), so its boxes mean nothing, but it returns many of them with spread-out confidences,
 * which is what the evaluation view and its slider need.
 */
final class SampleImage {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;

    private SampleImage() {
    }

    static byte[] jpeg() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(30, 60, 90), WIDTH, HEIGHT, new Color(200, 180, 150)));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(new Color(220, 40, 40));
        g.fillRect(80, 120, 180, 240);
        g.setColor(new Color(40, 200, 80));
        g.fillOval(340, 80, 220, 160);
        g.setColor(new Color(250, 240, 60));
        g.fillRect(380, 300, 200, 120);
        g.dispose();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The scene written to {@code dir/image.jpg}. */
    static Path file(Path dir) {
        try {
            return Files.write(dir.resolve("image.jpg"), jpeg());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
