package dev.kiln.node.testing;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Images drawn for tests: a busy photo-like scene, and rendered text whose word boxes are known. */
public final class TestImages {
    private TestImages() {
    }

    /** Sky, ground, and a few solid objects with edges: enough structure for a detector to respond to. */
    public static BufferedImage scene(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(120, 170, 230), 0, height / 2f, new Color(220, 230, 240)));
        g.fillRect(0, 0, width, height / 2);
        g.setPaint(new GradientPaint(0, height / 2f, new Color(90, 120, 60), 0, height, new Color(60, 80, 40)));
        g.fillRect(0, height / 2, width, height - height / 2);
        Random random = new Random(seed);
        for (int i = 0; i < 6; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            int w = width / 8 + random.nextInt(width / 4);
            int h = height / 6 + random.nextInt(height / 3);
            int x = random.nextInt(Math.max(1, width - w));
            int y = height / 4 + random.nextInt(Math.max(1, height - h - height / 4));
            g.fillRoundRect(x, y, w, h, 20, 20);
            g.setColor(Color.DARK_GRAY);
            g.setStroke(new BasicStroke(3));
            g.drawRoundRect(x, y, w, h, 20, 20);
            g.fillOval(x + w / 4, y + h - h / 8, w / 5, h / 5);
        }
        g.dispose();
        return image;
    }

    /** Black words on white; returns their pixel boxes (x, y, w, h) through {@code boxes}. */
    public static BufferedImage text(int width, int height, String[] lines, int fontSize, List<Rectangle2D> boxes) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, fontSize);
        g.setFont(font);
        g.setColor(Color.BLACK);
        FontRenderContext frc = g.getFontRenderContext();
        int y = fontSize + fontSize / 2;
        for (String line : lines) {
            int x = fontSize;
            for (String word : line.split(" ")) {
                g.drawString(word, x, y);
                Rectangle2D ink = font.createGlyphVector(frc, word).getVisualBounds();
                boxes.add(new Rectangle2D.Double(x + ink.getX(), y + ink.getY(), ink.getWidth(), ink.getHeight()));
                x += (int) Math.ceil(font.getStringBounds(word + " ", frc).getWidth()) + fontSize / 2;
            }
            y += fontSize * 2;
        }
        g.dispose();
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The image as the nested [[[r,g,b],...],...] JSON of image_type array. */
    public static String jsonArray(BufferedImage image) {
        StringBuilder sb = new StringBuilder("[");
        for (int y = 0; y < image.getHeight(); y++) {
            sb.append(y == 0 ? "[" : ",[");
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                sb.append(x == 0 ? "[" : ",[").append(rgb >> 16 & 0xFF).append(',').append(rgb >> 8 & 0xFF)
                        .append(',').append(rgb & 0xFF).append(']');
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    public static List<Rectangle2D> newBoxes() {
        return new ArrayList<>();
    }

    /** Just the signature and IHDR chunk of a PNG claiming {@code width × height}: a decompression-bomb stand-in. */
    public static byte[] pngHeader(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        byte[] ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes()).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array();
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes(ihdr);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    /**
     * A PNG of one flat colour, {@code width × height}, written row by row: a 40 MP image is ~120 KB on the wire and
     * 120 MB once decoded, made without holding its pixels here.
     */
    public static byte[] flatPng(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = pngHeader(width, height);
        out.writeBytes(header);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] row = new byte[1 + width * 3]; // filter byte 0, then black pixels
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(compressed,
                new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION))) {
            for (int y = 0; y < height; y++) {
                z.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeChunk(out, "IDAT", compressed.toByteArray());
        writeChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typed = java.nio.ByteBuffer.allocate(4 + data.length).put(type.getBytes()).put(data).array();
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typed);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(typed);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
