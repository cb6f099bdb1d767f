package dev.kiln.node.adapters;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.kiln.node.imaging.Geometry;
import dev.kiln.node.runtime.ModelOutputs;
import dev.kiln.protocol.AdapterOptions;
import dev.kiln.protocol.DescriptorOptions;
import dev.kiln.protocol.ModelDescriptor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The decoding YOLOv5 and YOLOv8 share: candidate boxes (cx,cy,w,h in input-tensor pixels) with class scores, kept
 * above option {@code confidence}, then class-wise NMS at option {@code iou} (the exports leave NMS to the server),
 * at most {@code maxDetections}, mapped through the letterbox to 0..1 of the original image.
 */
final class YoloOutputs {

    private YoloOutputs() {
    }

    /**
     * @param candidatesFirst YOLOv5's {@code [1,N,5+C]} (true) or YOLOv8's {@code [1,4+C,N]} (false)
     * @param objectness      whether attribute 4 is an objectness score that multiplies the class scores (YOLOv5)
     */
    static List<Prediction> decode(ModelOutputs outputs, ModelDescriptor d, Geometry g, boolean candidatesFirst,
                                   boolean objectness) throws OrtException {
        OnnxTensor tensor = Outputs.tensor(outputs, d, "output", 0);
        long[] shape = tensor.getInfo().getShape();
        if (shape.length < 2) {
            throw new OrtException("a YOLO output needs [1, candidates, attributes]; this one has shape "
                    + java.util.Arrays.toString(shape));
        }
        int rows = (int) shape[shape.length - 2];
        int cols = (int) shape[shape.length - 1];
        int candidates = candidatesFirst ? rows : cols;
        int attributes = candidatesFirst ? cols : rows;
        int first = objectness ? 5 : 4;
        if (attributes < first) {
            throw new OrtException("a " + (objectness ? "YOLOv5" : "YOLOv8") + " output needs at least " + first
                    + " values per candidate; this one has " + attributes);
        }
        float[] v = Outputs.floats(tensor);
        AdapterOptions.Yolo o = DescriptorOptions.of(d).adapter(AdapterOptions.Yolo.class);
        double minimum = o.confidence();
        double[] boxes = new double[4 * candidates];
        double[] scores = new double[candidates];
        int[] classes = new int[candidates];
        int found = 0;
        for (int i = 0; i < candidates; i++) {
            double object = objectness ? at(v, i, 4, candidatesFirst, candidates, attributes) : 1;
            if (object < minimum) {
                continue; // class scores are at most 1, so the product cannot reach the threshold
            }
            int best = 0;
            double bestScore = attributes == first ? 1 : Double.NEGATIVE_INFINITY;
            for (int c = 0; c < attributes - first; c++) {
                double s = at(v, i, first + c, candidatesFirst, candidates, attributes);
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            double score = object * bestScore;
            if (score < minimum) {
                continue;
            }
            double cx = at(v, i, 0, candidatesFirst, candidates, attributes);
            double cy = at(v, i, 1, candidatesFirst, candidates, attributes);
            double w = at(v, i, 2, candidatesFirst, candidates, attributes);
            double h = at(v, i, 3, candidatesFirst, candidates, attributes);
            boxes[4 * found] = cx - w / 2;
            boxes[4 * found + 1] = cy - h / 2;
            boxes[4 * found + 2] = cx + w / 2;
            boxes[4 * found + 3] = cy + h / 2;
            scores[found] = score;
            classes[found] = best;
            found++;
        }
        int[] order = IntStream.range(0, found).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed())
                .mapToInt(Integer::intValue).toArray();
        int[] kept = Nms.keep(boxes, classes, order, o.iou(), o.maxDetections());
        List<Prediction> predictions = new ArrayList<>(kept.length);
        for (int i : kept) {
            predictions.add(Prediction.box(g.x(boxes[4 * i]), g.y(boxes[4 * i + 1]), g.x(boxes[4 * i + 2]),
                    g.y(boxes[4 * i + 3]), scores[i], Tag.of(classes[i], d.labels())));
        }
        return predictions;
    }

    private static double at(float[] v, int candidate, int attribute, boolean candidatesFirst, int candidates,
                             int attributes) {
        return candidatesFirst ? v[candidate * attributes + attribute] : v[attribute * candidates + candidate];
    }
}
