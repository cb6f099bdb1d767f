package dev.kiln.onnx;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Class names from model metadata: Ultralytics' {@code names} ({0: 'person', …}), or a {@code labels} list. */
final class Labels {
    private static final Pattern ENTRY = Pattern.compile("(\\d+)\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern QUOTED = Pattern.compile("['\"]([^'\"]*)['\"]");

    private Labels() {
    }

    static Map<Integer, String> fromMetadata(Map<String, String> metadata) {
        for (String key : new String[] {"names", "labels", "classes"}) {
            String value = metadata.get(key);
            if (value != null && !value.isBlank()) {
                Map<Integer, String> parsed = parse(value);
                if (!parsed.isEmpty()) {
                    return parsed;
                }
            }
        }
        return Map.of();
    }

    static Map<Integer, String> parse(String value) {
        Map<Integer, String> labels = new TreeMap<>();
        Matcher entries = ENTRY.matcher(value);
        while (entries.find()) {
            labels.put(Integer.parseInt(entries.group(1)), entries.group(2));
        }
        if (!labels.isEmpty()) {
            return labels;
        }
        Matcher quoted = QUOTED.matcher(value);
        while (quoted.find()) {
            labels.put(labels.size(), quoted.group(1));
        }
        if (labels.isEmpty() && value.contains(",")) {
            for (String part : value.split(",")) {
                labels.put(labels.size(), part.trim());
            }
        }
        return labels;
    }
}
