package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;

import java.util.List;
import java.util.Map;

/** Keeps predictions whose confidence is at least {@code confidence} (0..1). */
record FilterConfidence(double confidence) implements Routine {
    static final String NAME = "FilterConfidence";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Prediction> apply(List<Prediction> predictions, Map<String, Object> results) {
        return predictions.stream().filter(p -> p.confidence() >= confidence).toList();
    }
}
