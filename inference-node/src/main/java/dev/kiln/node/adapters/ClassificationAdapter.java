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
import java.util.List;
import java.util.stream.IntStream;

/**
 * Classifier outputs {@code [1,C]} or {@code [C]}: probabilities as they are, logits through a softmax; the best
 * {@code topK} (option, default 5) classes, best first, without a bound.
 */
@Singleton
public final class ClassificationAdapter implements OutputAdapter {

    @Override
    public String name() {
        return "classification";
    }

    @Override
    public List<Prediction> decode(ModelOutputs outputs, ModelDescriptor d, Geometry g) throws OrtException {
        OnnxTensor tensor = Outputs.tensor(outputs, d, "output", 0);
        long[] shape = tensor.getInfo().getShape();
        float[] values = Outputs.floats(tensor);
        int classes = (int) shape[shape.length - 1];
        double[] probabilities = probabilities(values, Math.min(classes, values.length));
        int k = DescriptorOptions.of(d).adapter(AdapterOptions.Classification.class).topK();
        List<Prediction> predictions = new ArrayList<>(k);
        IntStream.range(0, probabilities.length).boxed()
                .sorted((a, b) -> Double.compare(probabilities[b], probabilities[a]))
                .limit(k)
                .forEach(i -> predictions.add(Prediction.label(probabilities[i], Tag.of(i, d.labels()))));
        return predictions;
    }

    /** The first row as a distribution: already one (non-negative, summing to 1) or made one by softmax. */
    static double[] probabilities(float[] values, int classes) {
        double sum = 0;
        boolean distribution = true;
        for (int i = 0; i < classes; i++) {
            distribution &= values[i] >= 0 && values[i] <= 1;
            sum += values[i];
        }
        double[] p = new double[classes];
        if (distribution && Math.abs(sum - 1) < 1e-3) {
            for (int i = 0; i < classes; i++) {
                p[i] = values[i];
            }
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < classes; i++) {
            max = Math.max(max, values[i]);
        }
        double total = 0;
        for (int i = 0; i < classes; i++) {
            p[i] = Math.exp(values[i] - max);
            total += p[i];
        }
        for (int i = 0; i < classes; i++) {
            p[i] /= total;
        }
        return p;
    }
}
