package dev.kiln.deploy.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Kubernetes strategic merge patch for the fields deploy/k8s patches: maps merge, lists of named things
 * (containers, env, volumes, ...) merge by their patch merge key as the API declares it, other lists are replaced.
 * Directives ($patch, $retainKeys, ...) are refused rather than misapplied.
 */
final class StrategicMerge {
    /** Field name → patch merge key, from the Kubernetes API's x-kubernetes-patch-merge-key. */
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "containers", "name",
            "initContainers", "name",
            "env", "name",
            "volumes", "name",
            "volumeMounts", "mountPath",
            "imagePullSecrets", "name");

    private StrategicMerge() {
    }

    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> patch) {
        Map<String, Object> out = copy(base);
        mergeInto(out, patch);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void mergeInto(Map<String, Object> target, Map<String, Object> patch) {
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("$")) {
                throw new AssertionError("patch directive " + key + " is not supported by these checks");
            }
            Object value = e.getValue();
            Object current = target.get(key);
            if (value instanceof Map<?, ?> patchMap && current instanceof Map<?, ?> currentMap) {
                mergeInto((Map<String, Object>) currentMap, (Map<String, Object>) patchMap);
            } else if (value instanceof List<?> patchList && current instanceof List<?> currentList
                    && MERGE_KEYS.containsKey(key)) {
                target.put(key, mergeList((List<Object>) currentList, (List<Object>) patchList, MERGE_KEYS.get(key)));
            } else {
                target.put(key, copyValue(value));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> mergeList(List<Object> current, List<Object> patch, String mergeKey) {
        List<Object> out = new ArrayList<>(current);
        for (Object element : patch) {
            Map<String, Object> item = (Map<String, Object>) element;
            Object id = Objects.requireNonNull(item.get(mergeKey), "list element without " + mergeKey);
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (id.equals(((Map<String, Object>) out.get(i)).get(mergeKey))) {
                    at = i;
                }
            }
            if (at < 0) {
                out.add(copy(item));
            } else {
                mergeInto((Map<String, Object>) out.get(at), item);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> copy(Map<String, Object> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, copyValue(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object copyValue(Object value) {
        if (value instanceof Map<?, ?> m) {
            return copy((Map<String, Object>) m);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(copyValue(v)));
            return out;
        }
        return value;
    }
}
