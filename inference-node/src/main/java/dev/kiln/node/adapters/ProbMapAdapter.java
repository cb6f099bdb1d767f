package dev.kiln.node.adapters;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.kiln.node.imaging.Geometry;
import dev.kiln.node.runtime.ModelOutputs;
import dev.kiln.protocol.AdapterOptions;
import dev.kiln.protocol.DescriptorOptions;
import dev.kiln.protocol.ModelDescriptor;
import jakarta.inject.Singleton;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RotatedRect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size2f;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A per-pixel probability map ({@code [1,1,H,W]}, e.g. DB text detection) turned into regions, the way PaddleOCR's
 * DB post-processing does: pixels above {@code threshold} form regions; a region is kept when its mean probability
 * reaches {@code boxThreshold}; its minimum-area rectangle is pushed out by {@code unclipRatio × area / perimeter}
 * (the detector is trained on shrunk text); {@code bound} is the axis-aligned box around the result and
 * {@code contour} the (possibly rotated) rectangle itself.
 */
@Singleton
public final class ProbMapAdapter implements OutputAdapter {
    /** Regions thinner than this many map pixels are noise. */
    private static final double MIN_SIDE = 3;

    @Override
    public String name() {
        return "prob_map";
    }

    @Override
    public List<Prediction> decode(ModelOutputs outputs, ModelDescriptor d, Geometry g) throws OrtException {
        OnnxTensor tensor = Outputs.tensor(outputs, d, "output", 0);
        long[] shape = tensor.getInfo().getShape();
        int h = (int) shape[shape.length - 2];
        int w = (int) shape[shape.length - 1];
        float[] map = Outputs.floats(tensor);
        AdapterOptions.ProbMap o = DescriptorOptions.of(d).adapter(AdapterOptions.ProbMap.class);
        Settings s = new Settings(o.threshold(), o.boxThreshold(), o.unclipRatio(), o.maxCandidates(),
                Tag.of(0, d.labels() == null || d.labels().isEmpty() ? java.util.Map.of(0, o.label()) : d.labels()));
        // The map is in tensor pixels; it may cover a letterboxed tensor, which the geometry undoes.
        double sx = (double) g.tensorWidth() / w;
        double sy = (double) g.tensorHeight() / h;
        return regions(map, w, h, s, (x, y) -> new double[]{g.x(x * sx), g.y(y * sy)});
    }

    record Settings(double threshold, double boxThreshold, double unclipRatio, int maxCandidates, Tag tag) {
    }

    /** Maps a point of the probability map to 0..1 of the original image. */
    @FunctionalInterface
    interface ToImage {
        double[] apply(double x, double y);
    }

    static List<Prediction> regions(float[] map, int w, int h, Settings s, ToImage toImage) {
        List<Prediction> predictions = new ArrayList<>();
        try (PointerScope ignored = new PointerScope()) {
            Mat probability = new Mat(h, w, opencv_core.CV_32FC1);
            FloatBuffer pixels = probability.createBuffer();
            pixels.put(map, 0, w * h);
            Mat mask = new Mat();
            opencv_imgproc.threshold(probability, mask, s.threshold(), 255, opencv_imgproc.THRESH_BINARY);
            Mat binary = new Mat();
            mask.convertTo(binary, opencv_core.CV_8U);
            MatVector contours = new MatVector();
            opencv_imgproc.findContours(binary, contours, opencv_imgproc.RETR_LIST, opencv_imgproc.CHAIN_APPROX_SIMPLE);
            long count = Math.min(contours.size(), s.maxCandidates());
            for (long i = 0; i < count; i++) {
                Prediction region = region(probability, contours.get(i), s, toImage);
                if (region != null) {
                    predictions.add(region);
                }
            }
        }
        predictions.sort(Comparator.comparingDouble(Prediction::confidence).reversed());
        return predictions;
    }

    private static Prediction region(Mat probability, Mat contour, Settings s, ToImage toImage) {
        if (contour.rows() < 3) {
            return null;
        }
        RotatedRect box = opencv_imgproc.minAreaRect(contour);
        double bw = box.size().width();
        double bh = box.size().height();
        if (Math.min(bw, bh) < MIN_SIDE) {
            return null;
        }
        double score = meanInside(probability, contour);
        if (score < s.boxThreshold()) {
            return null;
        }
        double distance = bw * bh * s.unclipRatio() / (2 * (bw + bh));
        double ew = bw + 2 * distance;
        double eh = bh + 2 * distance;
        if (Math.min(ew, eh) < MIN_SIDE + 2) {
            return null;
        }
        RotatedRect expanded = new RotatedRect(box.center(), new Size2f((float) ew, (float) eh), box.angle());
        Point2f corners = new Point2f(4);
        expanded.points(corners);
        double[][] polygon = new double[4][];
        for (int k = 0; k < 4; k++) {
            Point2f p = corners.position(k);
            polygon[k] = toImage.apply(p.x(), p.y());
        }
        return toPrediction(order(polygon), score, s.tag());
    }

    /** Mean probability over the region's own pixels, not its bounding box. */
    private static double meanInside(Mat probability, Mat contour) {
        Rect r = opencv_imgproc.boundingRect(contour);
        Mat mask = new Mat(r.height(), r.width(), opencv_core.CV_8UC1, new Scalar(0));
        opencv_imgproc.fillPoly(mask, new MatVector(contour), new Scalar(1), opencv_imgproc.LINE_8, 0,
                new Point(-r.x(), -r.y()));
        Mat window = new Mat(probability, r);
        return opencv_core.mean(window, mask).get(0);
    }

    private static Prediction toPrediction(double[][] polygon, double score, Tag tag) {
        double xmin = 1;
        double ymin = 1;
        double xmax = 0;
        double ymax = 0;
        List<List<Double>> contour = new ArrayList<>(4);
        for (double[] p : polygon) {
            xmin = Math.min(xmin, p[0]);
            ymin = Math.min(ymin, p[1]);
            xmax = Math.max(xmax, p[0]);
            ymax = Math.max(ymax, p[1]);
            contour.add(Prediction.point(p[0], p[1]));
        }
        if (xmax <= xmin || ymax <= ymin) {
            return null;
        }
        return Prediction.box(xmin, ymin, xmax, ymax, score, tag).withContour(contour);
    }

    /** Top-left, top-right, bottom-right, bottom-left, as PaddleOCR orders its boxes. */
    static double[][] order(double[][] points) {
        double[][] byX = points.clone();
        Arrays.sort(byX, Comparator.comparingDouble(p -> p[0]));
        double[] left1 = byX[0];
        double[] left2 = byX[1];
        double[] right1 = byX[2];
        double[] right2 = byX[3];
        double[] topLeft = left1[1] <= left2[1] ? left1 : left2;
        double[] bottomLeft = topLeft == left1 ? left2 : left1;
        double[] topRight = right1[1] <= right2[1] ? right1 : right2;
        double[] bottomRight = topRight == right1 ? right2 : right1;
        return new double[][]{topLeft, topRight, bottomRight, bottomLeft};
    }
}
