package dev.kiln.node.routines;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One routine call's arguments, read strictly: every problem is a 400 located at
 * {@code ["body","routines",<index>,"args",<argument>]}, whether the argument was given under {@code args} or flat.
 */
final class Args {
    private final RoutineCall call;
    private final List<String> loc;

    Args(RoutineCall call) {
        this.call = call;
        this.loc = List.of("body", "routines", String.valueOf(call.index()), "args");
    }

    /** Refuses any argument not named here, so a misspelt one is not silently ignored. */
    Args only(String... allowed) {
        Set<String> known = Set.of(allowed);
        for (String given : call.args().keySet()) {
            if (!known.contains(given)) {
                throw error(given, call.name() + " has no argument '" + given + "'"
                        + (allowed.length == 0 ? "; it takes none." : "; it takes " + List.of(allowed) + "."),
                        "value_error.extra");
            }
        }
        return this;
    }

    boolean has(String arg) {
        return call.args().get(arg) != null;
    }

    /** A required number from 0 to 1. */
    double fraction(String arg) {
        Object value = required(arg);
        if (!(value instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
            throw error(arg, call.name() + " argument '" + arg + "' must be a number from 0 to 1.",
                    "value_error.number");
        }
        return n.doubleValue();
    }

    /** A required whole number from {@code min} to {@code max}. */
    int integer(String arg, int min, int max) {
        Object value = required(arg);
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || n.doubleValue() < min || n.doubleValue() > max) {
            throw error(arg, call.name() + " argument '" + arg + "' must be a whole number from " + min + " to "
                    + max + ".", "value_error.integer");
        }
        return n.intValue();
    }

    /** A required non-empty list of non-blank strings. */
    List<String> names(String arg) {
        Object value = required(arg);
        if (!(value instanceof List<?> list) || list.isEmpty()
                || !list.stream().allMatch(v -> v instanceof String s && !s.isBlank())) {
            throw error(arg, call.name() + " argument '" + arg + "' must be a non-empty list of class names.",
                    "type_error.list");
        }
        return list.stream().map(String.class::cast).toList();
    }

    /**
     * A required list of 1 to {@code max} bins: {@code [low, high]} pairs with 0 ≤ low < high ≤ 1, or (the form other
     * platforms' clients send) strictly increasing upper bounds in (0, 1], each bin starting where the previous ends.
     */
    List<double[]> ranges(String arg, int max) {
        Object value = required(arg);
        String message = call.name() + " argument '" + arg + "' must be a list of 1 to " + max
                + " [low, high] pairs with 0 ≤ low < high ≤ 1, or of increasing upper bounds in (0, 1].";
        if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > max) {
            throw error(arg, message, "value_error.ranges");
        }
        List<double[]> ranges = list.stream().allMatch(Number.class::isInstance)
                ? BinRanges.fromUpperBounds(list) : BinRanges.fromPairs(list);
        if (ranges == null) {
            throw error(arg, message, "value_error.ranges");
        }
        return ranges;
    }

    InvalidRoutineException error(String arg, String message, String type) {
        List<String> where = new ArrayList<>(loc);
        where.add(arg);
        return new InvalidRoutineException(message, List.copyOf(where), type);
    }

    private Object required(String arg) {
        Object value = call.args().get(arg);
        if (value == null) {
            throw error(arg, call.name() + " needs argument '" + arg + "'.", "value_error.missing");
        }
        return value;
    }
}
