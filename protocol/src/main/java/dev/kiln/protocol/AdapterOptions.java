package dev.kiln.protocol;

/**
 * What each output adapter reads from a descriptor's options (DESIGN §5), with its type; the defaults and bounds are
 * in {@link DescriptorOptions}, the one place that reads them.
 */
public sealed interface AdapterOptions {

    /** {@code torchvision}: boxes below {@code confidence} are dropped; masks are cut at {@code maskThreshold}. */
    record Torchvision(double confidence, double maskThreshold) implements AdapterOptions {
    }

    /** {@code yolov5}, {@code yolov8}: candidates below {@code confidence}, then NMS at {@code iou}. */
    record Yolo(double confidence, double iou, int maxDetections) implements AdapterOptions {
    }

    /** {@code tf_od}. */
    record TfOd(double confidence) implements AdapterOptions {
    }

    /** {@code classification}: the {@code topK} most probable classes. */
    record Classification(int topK) implements AdapterOptions {
    }

    /** {@code prob_map}: a per-pixel probability map turned into regions (DB text detection). */
    record ProbMap(double threshold, double boxThreshold, double unclipRatio, int maxCandidates, String label)
            implements AdapterOptions {
    }

    /** {@code semantic_segmentation}: the class id left out of the regions ({@code -1}: none). */
    record SemanticSegmentation(int background) implements AdapterOptions {
    }

    /** {@code raw}: at most {@code maxRawValues} output values in an answer. */
    record Raw(int maxRawValues) implements AdapterOptions {
    }
}
