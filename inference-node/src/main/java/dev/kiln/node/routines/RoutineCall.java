package dev.kiln.node.routines;

import java.util.Map;

/**
 * One entry of the request's {@code routines} list as sent: its name and its arguments (from {@code args}, or given
 * flat beside {@code name}).
 *
 * @param index position in the list, for error locations
 */
public record RoutineCall(int index, String name, Map<String, Object> args) {
}
