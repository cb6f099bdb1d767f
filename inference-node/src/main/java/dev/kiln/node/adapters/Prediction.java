package dev.kiln.node.adapters;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * One annotation of DESIGN §4.1. Coordinates are 0..1 of the original image; classification predictions have no
 * bound; contours are only set where the adapter produces a shape (segmentation, text regions).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Prediction(int annotationId, @Nullable List<List<Double>> bound, @Nullable String boundType,
                         double confidence, Tag tag, @Nullable String contourType,
                         @Nullable List<List<Double>> contour) {

    /** An axis-aligned box, corners in the order of DESIGN §4.1: (xmin,ymin) (xmin,ymax) (xmax,ymax) (xmax,ymin). */
    public static Prediction box(double xmin, double ymin, double xmax, double ymax, double confidence, Tag tag) {
        return new Prediction(0, rectangle(xmin, ymin, xmax, ymax), "rectangle", round(confidence), tag, null, null);
    }

    /** A segmented region: {@code bound} is the rectangle around it, {@code contour} its outline. */
    public static Prediction mask(double xmin, double ymin, double xmax, double ymax, double confidence, Tag tag,
                                  List<List<Double>> contour) {
        return new Prediction(0, rectangle(xmin, ymin, xmax, ymax), "masks", round(confidence), tag, "polygon",
                contour);
    }

    public static Prediction label(double confidence, Tag tag) {
        return new Prediction(0, null, null, round(confidence), tag, null, null);
    }

    public Prediction withContour(List<List<Double>> polygon) {
        return new Prediction(annotationId, bound, boundType, confidence, tag, "polygon", polygon);
    }

    public Prediction withAnnotationId(int id) {
        return new Prediction(id, bound, boundType, confidence, tag, contourType, contour);
    }

    static List<List<Double>> rectangle(double xmin, double ymin, double xmax, double ymax) {
        return List.of(point(xmin, ymin), point(xmin, ymax), point(xmax, ymax), point(xmax, ymin));
    }

    static List<Double> point(double x, double y) {
        return List.of(round(x), round(y));
    }

    /** Six decimals: a millionth of the image is below any pixel, and the JSON stays short. */
    static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
