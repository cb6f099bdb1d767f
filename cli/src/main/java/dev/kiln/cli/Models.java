package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** Reading model answers. */
final class Models {
    private Models() {
    }

    /** The model's most recently created version, or null when it has none. */
    static JsonNode latestVersion(JsonNode model) {
        JsonNode latest = null;
        for (JsonNode version : model.path("versions")) {
            if (latest == null || created(version).isAfter(created(latest))) {
                latest = version;
            }
        }
        return latest;
    }

    private static Instant created(JsonNode version) {
        return Instant.parse(version.path("createdAt").asText("1970-01-01T00:00:00Z"));
    }
}
