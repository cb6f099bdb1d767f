package dev.kiln.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --routine Name[:json-args]}, e.g. {@code FilterConfidence:{"confidence":0.5}}, as a routine of the body. */
final class Routines {
    private Routines() {
    }

    static Map<String, Object> parse(String option) {
        int colon = option.indexOf(':');
        String name = (colon < 0 ? option : option.substring(0, colon)).strip();
        if (name.isEmpty()) {
            throw CliException.usage("--routine needs a name, e.g. FilterConfidence:{\"confidence\":0.5}");
        }
        Map<String, Object> routine = new LinkedHashMap<>();
        routine.put("name", name);
        if (colon >= 0) {
            routine.put("args", args(name, option.substring(colon + 1)));
        }
        return routine;
    }

    private static JsonNode args(String name, String json) {
        try {
            JsonNode args = Json.MAPPER.readTree(json);
            if (args == null || !args.isObject()) {
                throw CliException.usage("--routine " + name + ": the arguments must be a JSON object");
            }
            return args;
        } catch (JsonProcessingException e) {
            throw CliException.usage("--routine " + name + ": the arguments are not JSON: " + json);
        }
    }
}
