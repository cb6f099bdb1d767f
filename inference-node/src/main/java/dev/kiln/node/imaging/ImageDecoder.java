package dev.kiln.node.imaging;

import jakarta.inject.Singleton;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

import java.time.Duration;
import java.util.Locale;
import java.util.function.IntBinaryOperator;

/**
 * Turns image bytes into pixels with OpenCV. The header is read first: unknown formats are refused without a decoder
 * seeing them, and the pixel limit is enforced before anything is allocated. Decoded pixels are bounded node-wide by
 * a {@link PixelBudget}: each image takes its share before it is decoded and gives it back with its pixels.
 */
@Singleton
public final class ImageDecoder {
    private final ImagingConfig config;
    private final PixelBudget budget;

    public ImageDecoder(ImagingConfig config, PixelBudget budget) {
        this.config = config;
        this.budget = budget;
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
     * @param maxWait   how long to wait for the node's decoding budget before giving up with
     *                  {@link DecodingBusyException}
     */
    public DecodedImage decode(byte[] bytes, IntBinaryOperator reduction, Duration maxWait) {
        ImageHeader header = ImageHeader.read(bytes).orElseThrow(() -> notAnImage(bytes));
        checkPixels(header.width(), header.height());
        int factor = header.format() == ImageFormat.JPEG ? reduction.applyAsInt(header.width(), header.height()) : 1;
        long decodedPixels = ceilDiv(header.width(), factor) * ceilDiv(header.height(), factor);
        PixelBudget.Permit permit = reserve(decodedPixels, maxWait);
        Mat pixels = null;
        try {
            pixels = imdecode(bytes, flags(factor));
            if (pixels == null || pixels.empty()) {
                throw ImageRejectedException.invalid("The image could not be decoded; it is truncated or corrupt.",
                        "value_error.image");
            }
            checkPixels(pixels.cols(), pixels.rows());
            return image(pixels, header, factor, permit);
        } catch (RuntimeException e) {
            if (pixels != null) {
                pixels.close();
            }
            permit.close();
            throw e;
        }
    }

    private static DecodedImage image(Mat pixels, ImageHeader header, int factor, PixelBudget.Permit permit) {
        if (factor == 1) {
            return new DecodedImage(pixels, false, pixels.cols(), pixels.rows(), permit);
        }
        // EXIF orientation may have turned the image a quarter; the header still has the stored orientation.
        boolean turned = (pixels.cols() > pixels.rows()) != (header.width() > header.height());
        return turned
                ? new DecodedImage(pixels, false, header.height(), header.width(), permit)
                : new DecodedImage(pixels, false, header.width(), header.height(), permit);
    }

    /** Pixels of an {@code image_type: array} request, without a copy through an encoder. */
    public DecodedImage fromRgb(RgbArray array, Duration maxWait) {
        checkPixels(array.width(), array.height());
        PixelBudget.Permit permit = reserve((long) array.width() * array.height(), maxWait);
        try {
            Mat pixels = new Mat(array.height(), array.width(), opencv_core.CV_8UC3);
            pixels.data().put(array.rgb(), 0, array.rgb().length);
            return new DecodedImage(pixels, true, array.width(), array.height(), permit);
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
    }

    /** Takes {@code pixels} from the node's budget: 413 when they can never fit, 503 when the wait runs out. */
    private PixelBudget.Permit reserve(long pixels, Duration maxWait) {
        PixelBudget.Outcome outcome;
        try {
            outcome = budget.acquire(pixels, Math.max(0, maxWait.toNanos()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DecodingBusyException("The node stopped waiting to decode the image; retry later.");
        }
        return switch (outcome) {
            case PixelBudget.Granted granted -> granted.permit();
            case PixelBudget.TooLarge tooLarge -> throw ImageRejectedException.tooLarge("Decoding the image takes "
                    + megapixels(pixels) + " MP, more than this node decodes at once (" + megapixels(tooLarge.capacity())
                    + " MP).");
            case PixelBudget.TimedOut timedOut -> throw new DecodingBusyException(
                    "The node is decoding as many images as its memory allows; retry later.");
        };
    }

    private static String megapixels(long pixels) {
        return String.format(Locale.ROOT, "%.1f", pixels / 1_000_000.0);
    }

    private static long ceilDiv(int value, int divisor) {
        return (value + divisor - 1) / divisor;
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
