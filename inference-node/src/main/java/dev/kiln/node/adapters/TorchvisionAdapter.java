package dev.kiln.node.adapters;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.node.imaging.Geometry;
import dev.kiln.node.runtime.DescriptorOptions;
import dev.kiln.protocol.ModelDescriptor;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * torchvision detection outputs: {@code boxes [N,4]} (x1,y1,x2,y2 in input-tensor pixels), {@code scores [N]},
 * {@code labels [N]}. Option {@code confidence} drops boxes below it (the graph usually filters already).
 */
@Singleton
public final class TorchvisionAdapter implements OutputAdapter {

    @Override
    public String name() {
        return "torchvision";
    }

    @Override
    public List<Prediction> decode(OrtSession.Result outputs, ModelDescriptor d, Geometry g) throws OrtException {
        float[] boxes = Outputs.floats(Outputs.tensor(outputs, d, "boxes", 0));
        float[] scores = Outputs.floats(Outputs.tensor(outputs, d, "scores", 1));
        long[] labels = Outputs.longs(Outputs.tensor(outputs, d, "labels", 2));
        int n = Math.min(scores.length, Math.min(labels.length, boxes.length / 4));
        double minimum = DescriptorOptions.number(d.options(), "confidence", 0);
        List<Prediction> predictions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (scores[i] < minimum) {
                continue;
            }
            double x1 = g.x(boxes[4 * i]);
            double y1 = g.y(boxes[4 * i + 1]);
            double x2 = g.x(boxes[4 * i + 2]);
            double y2 = g.y(boxes[4 * i + 3]);
            predictions.add(Prediction.box(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2),
                    scores[i], Tag.of((int) labels[i], d.labels())));
        }
        predictions.sort(Comparator.comparingDouble(Prediction::confidence).reversed());
        return predictions;
    }
}
