package dev.kiln.node.adapters;

import ai.onnxruntime.OnnxTensor;
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
 * torchvision detection outputs: {@code boxes [N,4]} (x1,y1,x2,y2 in input-tensor pixels), {@code scores [N]},
 * {@code labels [N]}. Option {@code confidence} drops boxes below it (the graph usually filters already).
 * Instance segmentation models (Mask R-CNN) add {@code masks [N,1,H,W]} of per-pixel probabilities: each is cut at
 * option {@code maskThreshold} (0.5, as torchvision does) and its largest region's outline becomes the contour.
 */
@Singleton
public final class TorchvisionAdapter implements OutputAdapter {

    @Override
    public String name() {
        return "torchvision";
    }

    @Override
    public List<Prediction> decode(ModelOutputs outputs, ModelDescriptor d, Geometry g) throws OrtException {
        float[] boxes = Outputs.floats(Outputs.tensor(outputs, d, "boxes", 0));
        float[] scores = Outputs.floats(Outputs.tensor(outputs, d, "scores", 1));
        long[] labels = Outputs.longs(Outputs.tensor(outputs, d, "labels", 2));
        AdapterOptions.Torchvision o = DescriptorOptions.of(d).adapter(AdapterOptions.Torchvision.class);
        MaskReader masks = hasMasks(outputs, d) ? new MaskReader(Outputs.tensor(outputs, d, "masks", 3),
                o.maskThreshold()) : null;
        int n = Math.min(scores.length, Math.min(labels.length, boxes.length / 4));
        double minimum = o.confidence();
        List<Prediction> predictions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (scores[i] < minimum) {
                continue;
            }
            double x1 = g.x(boxes[4 * i]);
            double y1 = g.y(boxes[4 * i + 1]);
            double x2 = g.x(boxes[4 * i + 2]);
            double y2 = g.y(boxes[4 * i + 3]);
            Prediction box = Prediction.box(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2),
                    scores[i], Tag.of((int) labels[i], d.labels()));
            predictions.add(masks == null ? box : masks.apply(box, i, g));
        }
        predictions.sort(Comparator.comparingDouble(Prediction::confidence).reversed());
        return predictions;
    }

    private static boolean hasMasks(ModelOutputs outputs, ModelDescriptor d) {
        return d.outputs() != null && d.outputs().containsKey("masks") || outputs.get("masks").isPresent();
    }

    /** The {@code [N,1,H,W]} mask tensor, read once, cut per detection. */
    private static final class MaskReader {
        private final float[] values;
        private final int w;
        private final int h;
        private final int count;
        private final double threshold;

        MaskReader(OnnxTensor tensor, double threshold) throws OrtException {
            long[] shape = tensor.getInfo().getShape();
            if (shape.length < 2) {
                throw new OrtException("masks need [N, 1, height, width]; this output has shape "
                        + java.util.Arrays.toString(shape));
            }
            this.values = Outputs.floats(tensor);
            this.h = (int) shape[shape.length - 2];
            this.w = (int) shape[shape.length - 1];
            this.count = w * h == 0 ? 0 : values.length / (w * h);
            this.threshold = threshold;
        }

        /** The detection with its mask's outline; a detection whose mask is empty stays a plain box. */
        Prediction apply(Prediction box, int index, Geometry g) {
            if (index >= count) {
                return box;
            }
            byte[] mask = new byte[w * h];
            int offset = index * w * h;
            for (int p = 0; p < mask.length; p++) {
                mask[p] = values[offset + p] > threshold ? (byte) 1 : 0;
            }
            Masks.Outline o = Masks.outline(mask, w, h, g);
            if (o == null || o.polygon().size() < 3) {
                return box;
            }
            return new Prediction(0, box.bound(), "masks", box.confidence(), box.tag(), "polygon", o.polygon());
        }
    }
}
