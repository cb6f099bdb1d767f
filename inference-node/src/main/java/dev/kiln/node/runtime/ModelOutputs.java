package dev.kiln.node.runtime;

import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One request's model outputs by name and by position, as output adapters read them: a whole run's, or one row of a
 * batched run's. ONNX Runtime's own result type cannot be made outside its package, so batched rows need this.
 */
public final class ModelOutputs implements AutoCloseable {
    private final List<String> names;
    private final List<OnnxValue> values;
    private final boolean owning;

    private ModelOutputs(List<String> names, List<OnnxValue> values, boolean owning) {
        this.names = names;
        this.values = values;
        this.owning = owning;
    }

    /** A view of a run's outputs; the run's result still owns (and closes) them. */
    public static ModelOutputs of(OrtSession.Result result) {
        List<String> names = new ArrayList<>(result.size());
        List<OnnxValue> values = new ArrayList<>(result.size());
        result.forEach(entry -> {
            names.add(entry.getKey());
            values.add(entry.getValue());
        });
        return new ModelOutputs(names, values, false);
    }

    /** Outputs Kiln made itself (rows cut from a batched run); closing these closes the values. */
    public static ModelOutputs owning(List<String> names, List<? extends OnnxValue> values) {
        return new ModelOutputs(List.copyOf(names), List.copyOf(values), true);
    }

    public int size() {
        return values.size();
    }

    /** The output names in the model's order. */
    public List<String> names() {
        return names;
    }

    public OnnxValue get(int index) {
        return values.get(index);
    }

    public Optional<OnnxValue> get(String name) {
        int i = names.indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(values.get(i));
    }

    @Override
    public void close() {
        if (owning) {
            values.forEach(OnnxValue::close);
        }
    }
}
