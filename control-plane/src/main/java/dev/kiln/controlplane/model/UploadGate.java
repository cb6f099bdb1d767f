package dev.kiln.controlplane.model;

import dev.kiln.controlplane.auth.CallerBinder;
import dev.kiln.controlplane.common.ApiException;
import dev.kiln.controlplane.common.ApiExceptionHandler;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.UUID;

/**
 * Decides a model upload (membership and role on the model's project) from its headers, before Micronaut spools
 * a byte of the multipart body to disk: a stranger's or a viewer's upload is refused unread.
 */
@ServerFilter("/api/v1/models/*/versions")
class UploadGate implements Ordered {

    private final ModelService models;
    private final ApiExceptionHandler errors;

    UploadGate(ModelService models, ApiExceptionHandler errors) {
        this.models = models;
        this.errors = errors;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    HttpResponse<?> authorize(HttpRequest<?> request) {
        if (request.getMethod() != HttpMethod.POST) {
            return null;
        }
        UUID modelId = modelId(request.getPath());
        var caller = CallerBinder.callerOf(request);
        if (modelId == null || caller.isEmpty()) {
            return null; // the route answers: 404 for a malformed id, 401 from security without a login
        }
        try {
            models.model(caller.get(), modelId, Role.MEMBER);
            return null;
        } catch (ApiException refused) {
            return errors.handle(request, refused);
        }
    }

    private static @Nullable UUID modelId(String path) {
        String[] segments = path.split("/");
        try {
            return segments.length == 6 ? UUID.fromString(segments[4]) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after(); // the session is known by then
    }
}
