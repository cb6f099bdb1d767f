package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Keeps only predictions whose class name is one of {@code class_name}. */
record FilterClass(Set<String> classNames) implements Routine {
    static final String NAME = "FilterClass";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Prediction> apply(List<Prediction> predictions, Map<String, Object> results) {
        return predictions.stream().filter(p -> classNames.contains(p.tag().name())).toList();
    }
}
