package dev.kiln.node.runtime;

import java.util.Map;

/** Reads a descriptor's adapter options, which arrive from JSON as numbers or strings. */
public final class DescriptorOptions {
    private DescriptorOptions() {
    }

    public static double number(Map<String, Object> options, String key, double fallback) {
        Object value = options == null ? null : options.get(key);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s && !s.isBlank()) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException ignored) {
                return fallback;
            }
        }
        return fallback;
    }

    public static int integer(Map<String, Object> options, String key, int fallback) {
        return (int) Math.round(number(options, key, fallback));
    }

    public static String text(Map<String, Object> options, String key, String fallback) {
        Object value = options == null ? null : options.get(key);
        return value == null ? fallback : value.toString();
    }
}
