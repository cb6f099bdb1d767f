package dev.kiln.controlplane.capture;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Which captures of one deployment a list, export or delete is about; a null field does not filter. */
record CaptureFilter(UUID deploymentId, @Nullable String group, @Nullable Boolean flagged, @Nullable Instant from,
                     @Nullable Instant to, @Nullable UUID modelVersionId, @Nullable String className) {

    /** The SQL condition (after WHERE) and its parameters, in order. */
    String where(List<Object> parameters) {
        List<String> terms = new ArrayList<>();
        terms.add("deployment_id = ?");
        parameters.add(deploymentId);
        if (group != null) {
            terms.add("? = ANY(groups)");
            parameters.add(group);
        }
        if (flagged != null) {
            terms.add("flagged = ?");
            parameters.add(flagged);
        }
        if (from != null) {
            terms.add("captured_at >= ?");
            parameters.add(java.sql.Timestamp.from(from));
        }
        if (to != null) {
            terms.add("captured_at < ?");
            parameters.add(java.sql.Timestamp.from(to));
        }
        if (modelVersionId != null) {
            terms.add("model_version_id = ?");
            parameters.add(modelVersionId);
        }
        if (className != null) {
            terms.add("? = ANY(class_names)");
            parameters.add(className);
        }
        return String.join(" AND ", terms);
    }
}
