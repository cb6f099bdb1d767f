package dev.kiln.node.routines;

import dev.kiln.node.adapters.Prediction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the request's routines strictly (before any inference, so a typo costs no model run) and applies them in
 * the order given.
 */
public final class Routines {
    private static final Set<String> KNOWN = Set.of(FilterConfidence.NAME);

    private final List<Routine> steps;

    private Routines(List<Routine> steps) {
        this.steps = steps;
    }

    public static Routines none() {
        return new Routines(List.of());
    }

    /** @throws InvalidRoutineException naming the routine, and the argument where one is wrong */
    public static Routines parse(List<RoutineCall> calls) {
        List<Routine> steps = new ArrayList<>(calls.size());
        for (RoutineCall call : calls) {
            steps.add(parse(call));
        }
        return new Routines(List.copyOf(steps));
    }

    private static Routine parse(RoutineCall call) {
        List<String> loc = List.of("body", "routines", String.valueOf(call.index()));
        if (call.name() == null || call.name().isBlank()) {
            throw new InvalidRoutineException("Routine " + call.index() + " has no name.", append(loc, "name"),
                    "value_error.missing");
        }
        return switch (call.name()) {
            case FilterConfidence.NAME -> new FilterConfidence(
                    fraction(call, "confidence", loc));
            default -> throw new InvalidRoutineException("Unknown routine '" + call.name() + "'; known routines are "
                    + KNOWN.stream().sorted().toList() + ".", append(loc, "name"), "value_error.routine");
        };
    }

    private static double fraction(RoutineCall call, String arg, List<String> loc) {
        Object value = call.args().get(arg);
        List<String> where = append(append(loc, "args"), arg);
        if (value == null) {
            throw new InvalidRoutineException(call.name() + " needs argument '" + arg + "'.", where,
                    "value_error.missing");
        }
        if (!(value instanceof Number number) || Double.isNaN(number.doubleValue()) || number.doubleValue() < 0
                || number.doubleValue() > 1) {
            throw new InvalidRoutineException(call.name() + " argument '" + arg + "' must be a number from 0 to 1.",
                    where, "value_error.number");
        }
        for (String other : call.args().keySet()) {
            if (!other.equals(arg)) {
                throw new InvalidRoutineException(call.name() + " has no argument '" + other + "'.",
                        append(append(loc, "args"), other), "value_error.extra");
            }
        }
        return number.doubleValue();
    }

    private static List<String> append(List<String> loc, String part) {
        List<String> out = new ArrayList<>(loc);
        out.add(part);
        return List.copyOf(out);
    }

    /** @param results filled with what reporting routines produce, by routine name */
    public List<Prediction> apply(List<Prediction> predictions, Map<String, Object> results) {
        List<Prediction> current = predictions;
        for (Routine step : steps) {
            current = step.apply(current, results);
        }
        return current;
    }

    public static Map<String, Object> newResults() {
        return new LinkedHashMap<>();
    }
}
