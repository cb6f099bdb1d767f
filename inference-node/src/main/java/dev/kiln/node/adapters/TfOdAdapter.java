package dev.kiln.node.adapters;

import ai.onnxruntime.OrtException;
import dev.kiln.node.imaging.Geometry;
import dev.kiln.node.runtime.ModelOutputs;
import dev.kiln.protocol.AdapterOptions;
import dev.kiln.protocol.DescriptorOptions;
import dev.kiln.protocol.ModelDescriptor;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * TensorFlow Object Detection API outputs: {@code detection_boxes [1,N,4]} as ymin,xmin,ymax,xmax normalized to the
 * input tensor, {@code detection_classes [1,N]}, {@code detection_scores [1,N]} and {@code num_detections [1]} (the
 * rows past it are padding). Option {@code confidence} drops detections below it.
 */
@Singleton
public final class TfOdAdapter implements OutputAdapter {

    @Override
    public String name() {
        return "tf_od";
    }

    @Override
    public List<Prediction> decode(ModelOutputs outputs, ModelDescriptor d, Geometry g) throws OrtException {
        float[] boxes = Outputs.floats(Outputs.tensor(outputs, d, "boxes", 0));
        float[] classes = Outputs.floats(Outputs.tensor(outputs, d, "classes", 1));
        float[] scores = Outputs.floats(Outputs.tensor(outputs, d, "scores", 2));
        int n = Math.min(scores.length, Math.min(classes.length, boxes.length / 4));
        if (d.outputs() != null && d.outputs().containsKey("count")) {
            float[] count = Outputs.floats(Outputs.tensor(outputs, d, "count", 3));
            if (count.length > 0) {
                n = Math.min(n, Math.max(0, Math.round(count[0])));
            }
        }
        double minimum = DescriptorOptions.of(d).adapter(AdapterOptions.TfOd.class).confidence();
        // Normalized to the tensor, which may be letterboxed: back to tensor pixels, then through the geometry.
        double tw = g.tensorWidth();
        double th = g.tensorHeight();
        List<Prediction> predictions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (scores[i] < minimum) {
                continue;
            }
            double y1 = g.y(boxes[4 * i] * th);
            double x1 = g.x(boxes[4 * i + 1] * tw);
            double y2 = g.y(boxes[4 * i + 2] * th);
            double x2 = g.x(boxes[4 * i + 3] * tw);
            predictions.add(Prediction.box(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2),
                    scores[i], Tag.of(Math.round(classes[i]), d.labels())));
        }
        predictions.sort(Comparator.comparingDouble(Prediction::confidence).reversed());
        return predictions;
    }
}
