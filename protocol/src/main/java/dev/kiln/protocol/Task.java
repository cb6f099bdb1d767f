package dev.kiln.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.micronaut.serde.annotation.Serdeable;

/** DESIGN §5 model tasks; JSON values are snake_case. */
@Serdeable
public enum Task {
    OBJECT_DETECTION, INSTANCE_SEGMENTATION, SEMANTIC_SEGMENTATION, CLASSIFICATION, RAW;

    @JsonValue
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Reads both the JSON form ({@code object_detection}) and the constant's name. */
    @JsonCreator
    public static Task parse(String value) {
        return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
