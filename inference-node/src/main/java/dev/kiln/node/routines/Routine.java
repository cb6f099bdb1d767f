package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;

import java.util.List;
import java.util.Map;

/** A post-processing step of DESIGN §6, applied to the predictions in request order. */
public interface Routine {
    String name();

    /**
     * @param results where a routine that reports something (histograms, active learning) puts it, by its name
     * @return the predictions after this routine
     */
    List<Prediction> apply(List<Prediction> predictions, Map<String, Object> results);
}
