package dev.kiln.protocol;

import com.fasterxml.jackson.annotation.JsonValue;

/** DESIGN §5 model tasks; JSON values are snake_case. */
public enum Task {
    OBJECT_DETECTION, INSTANCE_SEGMENTATION, SEMANTIC_SEGMENTATION, CLASSIFICATION, RAW;

    @JsonValue
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Task parse(String value) {
        return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
