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
 * Semantic segmentation outputs {@code [1,C,H,W]} (logits, or per-pixel probabilities): each pixel takes its best
 * class; every class present becomes one prediction whose contour is the outline of its largest region, whose bound
 * is the rectangle around all its pixels, and whose confidence is its mean probability over its pixels. Option
 * {@code background} names a class id that is not reported (e.g. 0 for VOC-style models).
 */
@Singleton
public final class SemanticSegmentationAdapter implements OutputAdapter {

    @Override
    public String name() {
        return "semantic_segmentation";
    }

    @Override
    public List<Prediction> decode(ModelOutputs outputs, ModelDescriptor d, Geometry g) throws OrtException {
        OnnxTensor tensor = Outputs.tensor(outputs, d, "output", 0);
        long[] shape = tensor.getInfo().getShape();
        if (shape.length < 3) {
            throw new OrtException("a segmentation output needs [1, classes, height, width]; this one has shape "
                    + java.util.Arrays.toString(shape));
        }
        int classes = (int) shape[shape.length - 3];
        int h = (int) shape[shape.length - 2];
        int w = (int) shape[shape.length - 1];
        float[] v = Outputs.floats(tensor);
        int plane = w * h;
        int[] best = new int[plane];
        double[] probability = new double[plane];
        boolean distribution = bestClasses(v, classes, plane, best, probability);
        if (!distribution) {
            softmaxOfBest(v, classes, plane, probability);
        }
        int background = DescriptorOptions.of(d).adapter(AdapterOptions.SemanticSegmentation.class).background();
        double[] sums = new double[classes];
        int[] counts = new int[classes];
        for (int p = 0; p < plane; p++) {
            sums[best[p]] += probability[p];
            counts[best[p]]++;
        }
        List<Prediction> predictions = new ArrayList<>();
        byte[] mask = new byte[plane];
        for (int c = 0; c < classes; c++) {
            if (counts[c] == 0 || c == background) {
                continue;
            }
            for (int p = 0; p < plane; p++) {
                mask[p] = best[p] == c ? (byte) 1 : 0;
            }
            Masks.Outline o = Masks.outline(mask, w, h, g);
            if (o != null) {
                predictions.add(Prediction.mask(o.xmin(), o.ymin(), o.xmax(), o.ymax(), sums[c] / counts[c],
                        Tag.of(c, d.labels()), o.polygon()));
            }
        }
        predictions.sort(Comparator.comparingDouble(Prediction::confidence).reversed());
        return predictions;
    }

    /**
     * Fills each pixel's best class and value.
     *
     * @return whether the values already are per-pixel distributions (in 0..1, summing to 1), the best values then
     * being probabilities
     */
    private static boolean bestClasses(float[] v, int classes, int plane, int[] best, double[] value) {
        boolean distribution = true;
        for (int p = 0; p < plane; p++) {
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            int arg = 0;
            for (int c = 0; c < classes; c++) {
                float x = v[c * plane + p];
                distribution &= x >= 0 && x <= 1;
                sum += x;
                if (x > max) {
                    max = x;
                    arg = c;
                }
            }
            distribution &= Math.abs(sum - 1) < 1e-3;
            best[p] = arg;
            value[p] = max;
        }
        return distribution;
    }

    /** Logits: the best class's softmax probability, 1 / Σ exp(x_c − x_best). */
    private static void softmaxOfBest(float[] v, int classes, int plane, double[] value) {
        for (int p = 0; p < plane; p++) {
            double max = value[p];
            double total = 0;
            for (int c = 0; c < classes; c++) {
                total += Math.exp(v[c * plane + p] - max);
            }
            value[p] = 1 / total;
        }
    }
}
