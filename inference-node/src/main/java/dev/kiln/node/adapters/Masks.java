package dev.kiln.node.adapters;

import dev.kiln.node.imaging.Geometry;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;

/** Binary masks in output pixels turned into polygons in 0..1 of the original image, through OpenCV. */
final class Masks {
    private Masks() {
    }

    /**
     * The outline of a mask: its largest outer contour as a polygon, and the rectangle around all of its pixels.
     *
     * @param polygon points in 0..1 of the original image
     */
    record Outline(List<List<Double>> polygon, double xmin, double ymin, double xmax, double ymax) {
    }

    /**
     * @param mask one byte per pixel of a {@code w × h} map, non-zero where set
     * @return null when no pixel is set
     */
    static Outline outline(byte[] mask, int w, int h, Geometry g) {
        // The map may be smaller than the tensor (e.g. a stride-4 segmentation head): scale to tensor pixels first.
        double sx = (double) g.tensorWidth() / w;
        double sy = (double) g.tensorHeight() / h;
        try (PointerScope ignored = new PointerScope()) {
            Mat binary = new Mat(h, w, opencv_core.CV_8UC1);
            ByteBuffer pixels = binary.createBuffer();
            pixels.put(mask, 0, w * h);
            if (opencv_core.countNonZero(binary) == 0) {
                return null;
            }
            Rect r = opencv_imgproc.boundingRect(binary);
            MatVector contours = new MatVector();
            opencv_imgproc.findContours(binary, contours, opencv_imgproc.RETR_EXTERNAL,
                    opencv_imgproc.CHAIN_APPROX_SIMPLE);
            Mat largest = null;
            double largestArea = -1;
            for (long i = 0; i < contours.size(); i++) {
                Mat c = contours.get(i);
                double area = opencv_imgproc.contourArea(c);
                if (area > largestArea) {
                    largestArea = area;
                    largest = c;
                }
            }
            List<List<Double>> polygon = new ArrayList<>();
            if (largest != null) {
                IntBuffer points = largest.createBuffer();
                for (int k = 0; k < largest.rows(); k++) {
                    // Contour points are pixel indices; their centres are half a pixel in.
                    polygon.add(Prediction.point(g.x((points.get(2 * k) + 0.5) * sx),
                            g.y((points.get(2 * k + 1) + 0.5) * sy)));
                }
            }
            return new Outline(List.copyOf(polygon), g.x(r.x() * sx), g.y(r.y() * sy),
                    g.x((r.x() + r.width()) * sx), g.y((r.y() + r.height()) * sy));
        }
    }
}
