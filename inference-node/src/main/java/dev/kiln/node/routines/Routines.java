package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;
import dev.kiln.protocol.ServingSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the request's routines strictly (before any inference, so a typo costs no model run) and applies them in
 * the order given.
 */
public final class Routines {
    private static final List<String> KNOWN = List.of(FilterConfidence.NAME, FilterClass.NAME, ExcludeClass.NAME,
            FilterIou.NAME, Histogram.NAME, ActiveLearning.NAME);

    private final List<Routine> steps;

    private Routines(List<Routine> steps) {
        this.steps = steps;
    }

    public static Routines none() {
        return new Routines(List.of());
    }

    /**
     * @param settings the deployment's, for what a routine takes from it (ActiveLearning's strategy and threshold)
     * @throws InvalidRoutineException naming the routine, and the argument where one is wrong
     */
    public static Routines parse(List<RoutineCall> calls, ServingSettings settings) {
        List<Routine> steps = new ArrayList<>(calls.size());
        for (RoutineCall call : calls) {
            steps.add(parse(call, settings));
        }
        return new Routines(List.copyOf(steps));
    }

    private static Routine parse(RoutineCall call, ServingSettings settings) {
        if (call.name() == null || call.name().isBlank()) {
            throw new InvalidRoutineException("Routine " + call.index() + " has no name.", nameLoc(call),
                    "value_error.missing");
        }
        Args args = new Args(call);
        return switch (call.name()) {
            case FilterConfidence.NAME -> new FilterConfidence(args.only("confidence").fraction("confidence"));
            case FilterClass.NAME -> new FilterClass(classNames(args));
            case ExcludeClass.NAME -> new ExcludeClass(classNames(args));
            case FilterIou.NAME -> new FilterIou(args.only("iou").fraction("iou"));
            case Histogram.NAME -> histogram(args.only("bins", "ranges"));
            case ActiveLearning.NAME -> {
                args.only();
                yield ActiveLearning.of(settings.evaluationStrategy(), settings.evaluationThreshold());
            }
            default -> throw new InvalidRoutineException("Unknown routine '" + call.name() + "'; known routines are "
                    + KNOWN + ".", nameLoc(call), "value_error.routine");
        };
    }

    private static Set<String> classNames(Args args) {
        return Set.copyOf(new LinkedHashSet<>(args.only("class_name").names("class_name")));
    }

    private static Histogram histogram(Args args) {
        if (args.has("bins") && args.has("ranges")) {
            throw args.error("ranges", "Histogram takes bins or ranges, not both.", "value_error.conflict");
        }
        if (args.has("ranges")) {
            return new Histogram(args.ranges("ranges", Histogram.MAX_BINS));
        }
        return Histogram.ofBins(args.has("bins") ? args.integer("bins", 1, Histogram.MAX_BINS) : Histogram.DEFAULT_BINS);
    }

    private static List<String> nameLoc(RoutineCall call) {
        return List.of("body", "routines", String.valueOf(call.index()), "name");
    }

    /** @param results filled with what reporting routines produce, by routine name */
    public List<Prediction> apply(List<Prediction> predictions, Map<String, Object> results) {
        List<Prediction> current = predictions;
        for (Routine step : steps) {
            current = step.apply(current, results);
        }
        return current;
    }

    /** ActiveLearning's score and verdict, for data capture. */
    public record Uncertainty(double score, boolean flagged) {
    }

    /**
     * ActiveLearning's verdict on the answer: the request's own when it asked for the routine, else computed here by
     * the deployment's strategy and threshold (data capture needs it either way).
     */
    public static Uncertainty uncertainty(List<Prediction> predictions, Map<String, Object> results,
                                          ServingSettings settings) {
        Object asked = results.get(ActiveLearning.NAME);
        ActiveLearning.Result result = asked instanceof ActiveLearning.Result r ? r : computed(predictions, settings);
        return new Uncertainty(result.score(), result.flagged());
    }

    private static ActiveLearning.Result computed(List<Prediction> predictions, ServingSettings settings) {
        Map<String, Object> scratch = newResults();
        ActiveLearning.of(settings.evaluationStrategy(), settings.evaluationThreshold()).apply(predictions, scratch);
        return (ActiveLearning.Result) scratch.get(ActiveLearning.NAME);
    }

    public static Map<String, Object> newResults() {
        return new LinkedHashMap<>();
    }
}
