package dev.kiln.node.imaging;

import jakarta.inject.Singleton;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

import java.util.function.IntBinaryOperator;

/**
 * Turns image bytes into pixels with OpenCV. The header is read first: unknown formats are refused without a decoder
 * seeing them, and the pixel limit is enforced before anything is allocated.
 */
@Singleton
public final class ImageDecoder {
    private final ImagingConfig config;

    public ImageDecoder(ImagingConfig config) {
        this.config = config;
        // Load OpenCV's natives now, not inside the first request.
        Loader.load(opencv_imgcodecs.class);
        // Requests are decoded and resized side by side, one per thread; OpenCV's own worker threads would only
        // compete with them and with the models for the same cores.
        opencv_core.setNumThreads(1);
    }

    /**
     * @param reduction given the header's width and height, by how much a JPEG may be shrunk while decoding
     *                  (1, 2, 4 or 8): decoding a 12 MP photo at 1/4 is several times faster when the model
     *                  wants 320 pixels anyway
     */
    public DecodedImage decode(byte[] bytes, IntBinaryOperator reduction) {
        ImageHeader header = ImageHeader.read(bytes).orElseThrow(() -> notAnImage(bytes));
        checkPixels(header.width(), header.height());
        int factor = header.format() == ImageFormat.JPEG ? reduction.applyAsInt(header.width(), header.height()) : 1;
        Mat pixels = imdecode(bytes, flags(factor));
        if (pixels == null || pixels.empty()) {
            throw ImageRejectedException.invalid("The image could not be decoded; it is truncated or corrupt.",
                    "value_error.image");
        }
        checkPixels(pixels.cols(), pixels.rows());
        if (factor == 1) {
            return new DecodedImage(pixels, false, pixels.cols(), pixels.rows());
        }
        // EXIF orientation may have turned the image a quarter; the header still has the stored orientation.
        boolean turned = (pixels.cols() > pixels.rows()) != (header.width() > header.height());
        return turned
                ? new DecodedImage(pixels, false, header.height(), header.width())
                : new DecodedImage(pixels, false, header.width(), header.height());
    }

    /** Pixels of an {@code image_type: array} request, without a copy through an encoder. */
    public DecodedImage fromRgb(RgbArray array) {
        checkPixels(array.width(), array.height());
        Mat pixels = new Mat(array.height(), array.width(), opencv_core.CV_8UC3);
        pixels.data().put(array.rgb(), 0, array.rgb().length);
        return new DecodedImage(pixels, true, array.width(), array.height());
    }

    public void checkPixels(long width, long height) {
        if (width * height > config.maxPixels()) {
            throw ImageRejectedException.tooLarge("The image has " + width + " × " + height + " pixels, more than the "
                    + config.maxPixels() / 1_000_000 + " MP limit.");
        }
    }

    private static Mat imdecode(byte[] bytes, int flags) {
        try (BytePointer data = new BytePointer(bytes);
             Mat buffer = new Mat(1, bytes.length, opencv_core.CV_8UC1, data)) {
            return opencv_imgcodecs.imdecode(buffer, flags);
        } catch (RuntimeException e) {
            // OpenCV throws on some corrupt inputs instead of returning an empty Mat.
            return null;
        }
    }

    private static int flags(int factor) {
        return switch (factor) {
            case 2 -> opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
            case 4 -> opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
            case 8 -> opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
            default -> opencv_imgcodecs.IMREAD_COLOR;
        };
    }

    private static ImageRejectedException notAnImage(byte[] bytes) {
        return ImageHeader.looksLikeImage(bytes)
                ? ImageRejectedException.invalid("The image is truncated or corrupt.", "value_error.image")
                : ImageRejectedException.invalid("The data is not an image; send JPEG, PNG, BMP or WebP.",
                "value_error.image");
    }
}
