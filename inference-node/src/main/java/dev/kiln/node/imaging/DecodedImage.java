package dev.kiln.node.imaging;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decoded 8-bit, 3-channel pixels. {@code width}/{@code height} are the original image's (what the response reports
 * and coordinates are normalized to); the pixels may be smaller when a JPEG was decoded at reduced size.
 *
 * @param pixels continuous {@code CV_8UC3} rows
 * @param rgb    channel order of {@code pixels}: true for R,G,B (arrays), false for OpenCV's B,G,R (decoded files)
 * @param permit the pixels' share of the node's decoding budget, given back with the pixels
 */
public record DecodedImage(Mat pixels, boolean rgb, int width, int height, PixelBudget.Permit permit)
        implements AutoCloseable {

    public int pixelWidth() {
        return pixels.cols();
    }

    public int pixelHeight() {
        return pixels.rows();
    }

    @Override
    public void close() {
        try {
            pixels.close();
        } finally {
            permit.close();
        }
    }
}
