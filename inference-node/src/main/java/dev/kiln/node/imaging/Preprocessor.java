package dev.kiln.node.imaging;

import dev.kiln.node.runtime.DirectBufferPool;
import dev.kiln.node.runtime.InputTensor;
import dev.kiln.protocol.DescriptorOptions;
import dev.kiln.protocol.InputSpec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns decoded pixels into the model's input tensor as its {@link InputSpec} says: size (fixed, or the image's own
 * bounded by option {@code maxSide} and rounded to {@code sizeMultiple}), stretch or letterbox, color order, scale,
 * then mean/std, layout (CHW/HWC with or without a batch dimension), float32 or uint8.
 */
public final class Preprocessor {
    /** Letterbox padding gray, as YOLO-family models are trained with. */
    private static final double PAD = 114;

    private Preprocessor() {
    }

    /**
     * The descriptor's options with {@code maxSide} defaulted for models that take any size: the node's bound
     * applies unless the descriptor sets its own.
     */
    public static Map<String, Object> withMaxSide(Map<String, Object> options, int defaultMaxSide) {
        if (defaultMaxSide <= 0 || options != null && options.containsKey("maxSide")) {
            return options;
        }
        Map<String, Object> bounded = new java.util.HashMap<>(options == null ? Map.of() : options);
        bounded.put("maxSide", defaultMaxSide);
        return bounded;
    }

    /** Tensor width and height for an image of {@code width × height}. */
    public static int[] targetSize(InputSpec spec, Map<String, Object> options, int width, int height) {
        if (spec.width() != null && spec.height() != null) {
            return new int[]{spec.width(), spec.height()};
        }
        double s = 1;
        DescriptorOptions.Resize resize = DescriptorOptions.Resize.of(options);
        int maxSide = resize.maxSide();
        if (maxSide > 0 && Math.max(width, height) > maxSide) {
            s = (double) maxSide / Math.max(width, height);
        }
        int multiple = resize.sizeMultiple();
        int w = spec.width() != null ? spec.width() : roundTo(width * s, multiple);
        int h = spec.height() != null ? spec.height() : roundTo(height * s, multiple);
        return new int[]{w, h};
    }

    private static int roundTo(double v, int multiple) {
        return Math.max(multiple, (int) Math.round(v / multiple) * multiple);
    }

    /**
     * How much a JPEG of {@code width × height} may be shrunk while decoding (1, 2, 4 or 8) so that it still has at
     * least the tensor's pixels in both directions, whichever way EXIF turns it.
     */
    public static int jpegReduction(InputSpec spec, Map<String, Object> options, int width, int height) {
        int[] target = targetSize(spec, options, width, height);
        boolean fixed = spec.width() != null && spec.height() != null;
        for (int f = 8; f > 1; f /= 2) {
            boolean enough = fixed
                    ? Math.min(width, height) / f >= Math.max(target[0], target[1])
                    : width / f >= target[0] && height / f >= target[1];
            if (enough) {
                return f;
            }
        }
        return 1;
    }

    public static PreparedInput prepare(DecodedImage image, InputSpec spec, Map<String, Object> options,
                                        DirectBufferPool pool) {
        int[] target = targetSize(spec, options, image.width(), image.height());
        int tw = target[0];
        int th = target[1];
        boolean letterbox = "letterbox".equalsIgnoreCase(spec.resize());
        boolean uint8 = "uint8".equalsIgnoreCase(spec.dtype());
        int bytes = tw * th * 3 * (uint8 ? 1 : 4);
        ByteBuffer buffer = pool.acquire(bytes);
        try (PointerScope ignored = new PointerScope()) {
            Mat sized = new Mat();
            Geometry geometry = letterbox ? letterbox(image, tw, th, sized) : stretch(image, tw, th, sized);
            fill(sized.empty() ? image.pixels() : sized, image.rgb(), spec, uint8, buffer);
            return new PreparedInput(new InputTensor(spec.name(), buffer, shape(spec.layout(), tw, th), uint8),
                    geometry, pool);
        } catch (RuntimeException e) {
            pool.release(buffer);
            throw e;
        }
    }

    /** Resizes into {@code out}, or leaves it empty when the pixels already have the tensor's size. */
    private static Geometry stretch(DecodedImage image, int tw, int th, Mat out) {
        int pw = image.pixelWidth();
        int ph = image.pixelHeight();
        if (pw != tw || ph != th) {
            opencv_imgproc.resize(image.pixels(), out, new Size(tw, th), 0, 0, opencv_imgproc.INTER_LINEAR);
        }
        return new Geometry((double) tw / pw, (double) th / ph, 0, 0, pw, ph, tw, th);
    }

    private static Geometry letterbox(DecodedImage image, int tw, int th, Mat out) {
        int pw = image.pixelWidth();
        int ph = image.pixelHeight();
        double s = Math.min((double) tw / pw, (double) th / ph);
        int nw = Math.max(1, Math.min(tw, (int) Math.round(pw * s)));
        int nh = Math.max(1, Math.min(th, (int) Math.round(ph * s)));
        int left = (tw - nw) / 2;
        int top = (th - nh) / 2;
        Mat resized = new Mat();
        opencv_imgproc.resize(image.pixels(), resized, new Size(nw, nh), 0, 0, opencv_imgproc.INTER_LINEAR);
        opencv_core.copyMakeBorder(resized, out, top, th - nh - top, left, tw - nw - left,
                opencv_core.BORDER_CONSTANT, new Scalar(PAD, PAD, PAD, 0));
        return new Geometry((double) nw / pw, (double) nh / ph, left, top, pw, ph, tw, th);
    }

    /**
     * Writes interleaved 8-bit pixels into the tensor, per channel {@code (v * scale - mean) / std}, in planes (CHW)
     * or interleaved (HWC), swapping R and B when image and model disagree. OpenCV's vectorised split and convert
     * write straight into the tensor's buffer: several times faster than a per-pixel loop in Java, and no copy of
     * the pixels on the heap. Call inside a {@link PointerScope}.
     */
    static void fill(Mat pixels, boolean imageRgb, InputSpec spec, boolean uint8, ByteBuffer out) {
        boolean modelRgb = !"BGR".equalsIgnoreCase(spec.colorOrder());
        boolean swap = imageRgb != modelRgb;
        boolean planar = spec.layout().toUpperCase(Locale.ROOT).contains("CHW");
        int rows = pixels.rows();
        int cols = pixels.cols();
        int count = rows * cols;
        double[][] affine = affine(spec);
        if (planar) {
            MatVector planes = new MatVector();
            opencv_core.split(pixels, planes);
            int planeBytes = count * (uint8 ? 1 : 4);
            for (int c = 0; c < 3; c++) {
                Mat plane = planes.get(swap ? 2 - c : c);
                Mat target = wrap(out, c * planeBytes, planeBytes, rows, cols, uint8 ? opencv_core.CV_8UC1
                        : opencv_core.CV_32FC1);
                if (uint8) {
                    plane.copyTo(target);
                } else {
                    plane.convertTo(target, opencv_core.CV_32F, affine[c][0], affine[c][1]);
                }
                requireInPlace(target, out, c * planeBytes);
            }
            return;
        }
        Mat ordered = pixels;
        if (swap) {
            ordered = new Mat();
            opencv_imgproc.cvtColor(pixels, ordered, opencv_imgproc.COLOR_BGR2RGB);
        }
        Mat target = wrap(out, 0, count * 3 * (uint8 ? 1 : 4), rows, cols,
                uint8 ? opencv_core.CV_8UC3 : opencv_core.CV_32FC3);
        if (uint8) {
            ordered.copyTo(target);
        } else if (sameForAllChannels(affine)) {
            ordered.convertTo(target, opencv_core.CV_32F, affine[0][0], affine[0][1]);
        } else {
            // Per-channel normalisation of interleaved floats: by lookup table, one pass over the pixels.
            byte[] bytes = new byte[count * 3];
            ordered.data().get(bytes);
            float[][] lut = lookupTables(spec);
            float[] values = new float[count * 3];
            for (int p = 0; p < values.length; p += 3) {
                values[p] = lut[0][bytes[p] & 0xFF];
                values[p + 1] = lut[1][bytes[p + 1] & 0xFF];
                values[p + 2] = lut[2][bytes[p + 2] & 0xFF];
            }
            out.asFloatBuffer().put(0, values);
            return;
        }
        requireInPlace(target, out, 0);
    }

    /** A Mat over {@code bytes} bytes of the tensor's buffer from {@code offset}: OpenCV writes there, no copy. */
    private static Mat wrap(ByteBuffer buffer, int offset, int bytes, int rows, int cols, int type) {
        return new Mat(rows, cols, type, new BytePointer(buffer.slice(offset, bytes)));
    }

    /** OpenCV reallocates a destination of the wrong size or type instead of failing; that would lose the pixels. */
    private static void requireInPlace(Mat target, ByteBuffer buffer, int offset) {
        if (target.data().address() != new BytePointer(buffer.slice(offset, 1)).address()) {
            throw new IllegalStateException("OpenCV wrote the tensor outside its buffer");
        }
    }

    /** Per model channel, {@code [alpha, beta]} with {@code (v * scale - mean) / std = v * alpha + beta}. */
    static double[][] affine(InputSpec spec) {
        List<Double> mean = spec.mean() == null ? List.of() : spec.mean();
        List<Double> std = spec.std() == null ? List.of() : spec.std();
        double[][] affine = new double[3][];
        for (int c = 0; c < 3; c++) {
            double m = mean.isEmpty() ? 0 : mean.get(c);
            double s = std.isEmpty() ? 1 : std.get(c);
            affine[c] = new double[]{spec.scale() / s, -m / s};
        }
        return affine;
    }

    private static boolean sameForAllChannels(double[][] affine) {
        return java.util.Arrays.equals(affine[0], affine[1]) && java.util.Arrays.equals(affine[0], affine[2]);
    }

    /** {@code lut[c][v]} = model value of 8-bit value {@code v} in model channel {@code c}. */
    static float[][] lookupTables(InputSpec spec) {
        List<Double> mean = spec.mean() == null ? List.of() : spec.mean();
        List<Double> std = spec.std() == null ? List.of() : spec.std();
        float[][] lut = new float[3][256];
        for (int c = 0; c < 3; c++) {
            double m = mean.isEmpty() ? 0 : mean.get(c);
            double s = std.isEmpty() ? 1 : std.get(c);
            for (int v = 0; v < 256; v++) {
                lut[c][v] = (float) ((v * spec.scale() - m) / s);
            }
        }
        return lut;
    }

    static long[] shape(String layout, int w, int h) {
        return switch (layout.toUpperCase(Locale.ROOT)) {
            case "NCHW" -> new long[]{1, 3, h, w};
            case "NHWC" -> new long[]{1, h, w, 3};
            case "CHW" -> new long[]{3, h, w};
            case "HWC" -> new long[]{h, w, 3};
            default -> throw new IllegalArgumentException("unknown layout " + layout);
        };
    }
}
