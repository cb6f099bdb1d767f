package dev.kiln.e2e;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A synthetic scene with a few solid shapes: lossless PNG, so every input type carries exactly the same pixels. */
final class Images {
    static final int WIDTH = 320;
    static final int HEIGHT = 240;

    private Images() {
    }

    static BufferedImage scene() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(30, 60, 90), WIDTH, HEIGHT, new Color(200, 180, 150)));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(new Color(220, 40, 40));
        g.fillRect(40, 60, 90, 120);
        g.setColor(new Color(40, 200, 80));
        g.fillOval(170, 40, 110, 80);
        g.setColor(new Color(250, 240, 60));
        g.fillRect(190, 150, 100, 60);
        g.dispose();
        return image;
    }

    static byte[] png(BufferedImage image) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** height × width × [r,g,b], as the {@code array} image type takes it. */
    static List<List<List<Integer>>> array(BufferedImage image) {
        List<List<List<Integer>>> rows = new ArrayList<>();
        for (int y = 0; y < image.getHeight(); y++) {
            List<List<Integer>> row = new ArrayList<>();
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                row.add(List.of((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff));
            }
            rows.add(row);
        }
        return rows;
    }

    /** CHW float32 in 0..1: what the detector sample takes directly. */
    static float[] chw(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] data = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                data[y * w + x] = ((rgb >> 16) & 0xff) / 255f;
                data[w * h + y * w + x] = ((rgb >> 8) & 0xff) / 255f;
                data[2 * w * h + y * w + x] = (rgb & 0xff) / 255f;
            }
        }
        return data;
    }
}
