package dev.kiln.deploy.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The containers of a workload's pod template, as raw maps (live: changes write through). */
final class Pods {
    private Pods() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> podSpec(Map<String, Object> object) {
        Object spec = object.get("spec");
        if (!(spec instanceof Map<?, ?> s)) {
            return null;
        }
        if ("Pod".equals(object.get("kind"))) {
            return (Map<String, Object>) s;
        }
        if (s.get("template") instanceof Map<?, ?> template && template.get("spec") instanceof Map<?, ?> podSpec) {
            return (Map<String, Object>) podSpec;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> containers(Map<String, Object> object) {
        Map<String, Object> spec = podSpec(object);
        List<Map<String, Object>> all = new ArrayList<>();
        if (spec != null) {
            for (String field : List.of("initContainers", "containers")) {
                if (spec.get(field) instanceof List<?> list) {
                    list.forEach(c -> all.add((Map<String, Object>) c));
                }
            }
        }
        return all;
    }
}
