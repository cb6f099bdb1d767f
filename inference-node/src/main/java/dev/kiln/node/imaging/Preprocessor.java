package dev.kiln.node.imaging;

import dev.kiln.node.runtime.DescriptorOptions;
import dev.kiln.node.runtime.DirectBufferPool;
import dev.kiln.node.runtime.InputTensor;
import dev.kiln.protocol.InputSpec;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
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
        int maxSide = DescriptorOptions.integer(options, "maxSide", 0);
        if (maxSide > 0 && Math.max(width, height) > maxSide) {
            s = (double) maxSide / Math.max(width, height);
        }
        int multiple = Math.max(1, DescriptorOptions.integer(options, "sizeMultiple", 1));
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
            Geometry geometry;
            byte[] pixels = new byte[tw * th * 3];
            if (letterbox) {
                geometry = letterbox(image, tw, th, pixels);
            } else {
                geometry = stretch(image, tw, th, pixels);
            }
            fill(pixels, tw * th, image.rgb(), spec, uint8, buffer);
            return new PreparedInput(new InputTensor(spec.name(), buffer, shape(spec.layout(), tw, th), uint8),
                    geometry, pool);
        } catch (RuntimeException e) {
            pool.release(buffer);
            throw e;
        }
    }

    private static Geometry stretch(DecodedImage image, int tw, int th, byte[] out) {
        int pw = image.pixelWidth();
        int ph = image.pixelHeight();
        Mat source = image.pixels();
        if (pw == tw && ph == th) {
            source.data().get(out);
        } else {
            Mat resized = new Mat();
            opencv_imgproc.resize(source, resized, new Size(tw, th), 0, 0, opencv_imgproc.INTER_LINEAR);
            resized.data().get(out);
        }
        return new Geometry((double) tw / pw, (double) th / ph, 0, 0, pw, ph, tw, th);
    }

    private static Geometry letterbox(DecodedImage image, int tw, int th, byte[] out) {
        int pw = image.pixelWidth();
        int ph = image.pixelHeight();
        double s = Math.min((double) tw / pw, (double) th / ph);
        int nw = Math.max(1, Math.min(tw, (int) Math.round(pw * s)));
        int nh = Math.max(1, Math.min(th, (int) Math.round(ph * s)));
        int left = (tw - nw) / 2;
        int top = (th - nh) / 2;
        Mat resized = new Mat();
        opencv_imgproc.resize(image.pixels(), resized, new Size(nw, nh), 0, 0, opencv_imgproc.INTER_LINEAR);
        Mat boxed = new Mat();
        opencv_core.copyMakeBorder(resized, boxed, top, th - nh - top, left, tw - nw - left,
                opencv_core.BORDER_CONSTANT, new Scalar(PAD, PAD, PAD, 0));
        boxed.data().get(out);
        return new Geometry((double) nw / pw, (double) nh / ph, left, top, pw, ph, tw, th);
    }

    /**
     * Writes interleaved 8-bit pixels into the tensor: per channel, {@code (v * scale - mean) / std} by lookup table,
     * in planes (CHW) or interleaved (HWC), swapping R and B when image and model disagree.
     */
    static void fill(byte[] pixels, int count, boolean imageRgb, InputSpec spec, boolean uint8, ByteBuffer out) {
        boolean modelRgb = !"BGR".equalsIgnoreCase(spec.colorOrder());
        boolean swap = imageRgb != modelRgb;
        boolean planar = spec.layout().toUpperCase(Locale.ROOT).contains("CHW");
        if (uint8) {
            fillBytes(pixels, count, swap, planar, out);
            return;
        }
        float[][] lut = lookupTables(spec);
        FloatBuffer floats = out.asFloatBuffer();
        if (planar) {
            float[] plane = new float[count];
            for (int c = 0; c < 3; c++) {
                int src = swap ? 2 - c : c;
                float[] table = lut[c];
                for (int p = 0, i = src; p < count; p++, i += 3) {
                    plane[p] = table[pixels[i] & 0xFF];
                }
                floats.put(c * count, plane);
            }
        } else {
            float[] row = new float[count * 3];
            for (int p = 0; p < count * 3; p += 3) {
                for (int c = 0; c < 3; c++) {
                    row[p + c] = lut[c][pixels[p + (swap ? 2 - c : c)] & 0xFF];
                }
            }
            floats.put(0, row);
        }
    }

    private static void fillBytes(byte[] pixels, int count, boolean swap, boolean planar, ByteBuffer out) {
        if (planar) {
            for (int c = 0; c < 3; c++) {
                int src = swap ? 2 - c : c;
                for (int p = 0, i = src; p < count; p++, i += 3) {
                    out.put(c * count + p, pixels[i]);
                }
            }
        } else if (!swap) {
            out.put(0, pixels, 0, count * 3);
        } else {
            for (int p = 0; p < count * 3; p += 3) {
                out.put(p, pixels[p + 2]).put(p + 1, pixels[p + 1]).put(p + 2, pixels[p]);
            }
        }
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
