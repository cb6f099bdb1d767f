package dev.kiln.deploy.check;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads raw manifest objects into fabric8's typed Kubernetes model, strictly: an unknown apiVersion/kind, a field
 * the API does not have (fabric8 would keep it aside in additionalProperties), or a value of the wrong type fails.
 * The typed object is written back and must equal the input, so nothing was dropped or coerced on the way.
 */
final class KubeObjects {
    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/DaemonSet", DaemonSet.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class));

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private KubeObjects() {
    }

    /** @param where names the object in messages (file and id) */
    static HasMetadata parse(Map<String, Object> raw, String where) {
        String type = raw.get("apiVersion") + "/" + raw.get("kind");
        Class<? extends HasMetadata> modelClass = KINDS.get(type);
        if (modelClass == null) {
            throw new AssertionError(where + ": " + type + " is not a kind these manifests may use (" + KINDS.keySet() + ")");
        }
        HasMetadata typed;
        try {
            typed = MAPPER.convertValue(raw, modelClass);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(where + ": not a valid " + type + ": " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        collectUnknown(typed, "", unknown);
        if (!unknown.isEmpty()) {
            throw new AssertionError(where + ": fields the " + type + " API does not have: " + unknown);
        }
        JsonNode written = MAPPER.valueToTree(typed);
        JsonNode original = MAPPER.valueToTree(raw);
        List<String> differences = new ArrayList<>();
        compare(original, written, "", differences);
        if (!differences.isEmpty()) {
            throw new AssertionError(where + ": changed when read as " + type + ": " + differences);
        }
        return typed;
    }

    /** Walks fabric8 model objects (their getters) and reports every non-empty additionalProperties. */
    private static void collectUnknown(Object value, String path, List<String> unknown) {
        if (value == null) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectUnknown(list.get(i), path + "[" + i + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknown(v, path + "." + k, unknown));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> unknown.add(path + "." + k));
                }
            } else {
                String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                collectUnknown(child, path + "." + field, unknown);
            }
        }
    }

    private static void compare(JsonNode a, JsonNode b, String path, List<String> differences) {
        if (a.isNumber() && b.isNumber()) {
            if (a.decimalValue().compareTo(b.decimalValue()) != 0) {
                differences.add(path + ": " + a + " became " + b);
            }
            return;
        }
        if (a.isObject() && b.isObject()) {
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!b.has(f)) {
                    differences.add(path + "." + f + " was dropped");
                } else {
                    compare(a.get(f), b.get(f), path + "." + f, differences);
                }
            }
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                // fabric8 stamps apiVersion and kind on embedded resources (a StatefulSet's volumeClaimTemplates),
                // which the API server accepts and defaults the same way.
                boolean typeStamp = f.equals("apiVersion") || f.equals("kind");
                if (!a.has(f) && !(typeStamp && !path.isEmpty())) {
                    differences.add(path + "." + f + " appeared (" + b.get(f) + ")");
                }
            }
            return;
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                compare(a.get(i), b.get(i), path + "[" + i + "]", differences);
            }
            return;
        }
        if (!a.equals(b)) {
            differences.add(path + ": " + a + " became " + b);
        }
    }
}
