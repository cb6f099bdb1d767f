package dev.kiln.controlplane.gateway;

import io.micronaut.json.tree.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The instance forms KServe v1 clients send for images, turned into the §4.1 predict body the node reads:
 * {@code {"data": "<base64>"}}, {@code {"b64": "<base64>"}} and {@code {"image_bytes": {"b64": "<base64>"}}} become
 * {@code {"image_type": "base64", "data": …}}. Other fields (routines) ride along; an instance that names its
 * {@code image_type}, or matches none of the forms, is sent as written so the node's error says what is wrong.
 */
final class KServeInstances {
    private static final String IMAGE_TYPE = "image_type";
    private static final String DATA = "data";
    private static final String B64 = "b64";
    private static final String IMAGE_BYTES = "image_bytes";

    private KServeInstances() {
    }

    static JsonNode toPredictBody(JsonNode instance) {
        if (!instance.isObject() || instance.get(IMAGE_TYPE) != null) {
            return instance;
        }
        String key = imageKey(instance);
        if (key == null) {
            return instance;
        }
        JsonNode value = instance.get(key);
        JsonNode data = key.equals(IMAGE_BYTES) ? value.get(B64) : value;
        Map<String, JsonNode> body = new LinkedHashMap<>();
        body.put(IMAGE_TYPE, JsonNode.createStringNode("base64"));
        body.put(DATA, data);
        for (Map.Entry<String, JsonNode> field : instance.entries()) {
            if (!field.getKey().equals(key)) {
                body.putIfAbsent(field.getKey(), field.getValue());
            }
        }
        return JsonNode.createObjectNode(body);
    }

    /** The one field holding the image as a base64 string, or null when there is not exactly one. */
    private static String imageKey(JsonNode instance) {
        String found = null;
        for (String key : new String[]{DATA, B64, IMAGE_BYTES}) {
            JsonNode value = instance.get(key);
            JsonNode text = !key.equals(IMAGE_BYTES) ? value
                    : value != null && value.isObject() && value.size() == 1 ? value.get(B64) : null;
            if (text != null && text.isString()) {
                if (found != null) {
                    return null;
                }
                found = key;
            }
        }
        return found;
    }
}
