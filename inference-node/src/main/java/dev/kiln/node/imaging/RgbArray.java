package dev.kiln.node.imaging;

/** An {@code image_type: array} image: {@code height × width} pixels, 3 bytes each in R, G, B order, row by row. */
public record RgbArray(int width, int height, byte[] rgb) {
}
