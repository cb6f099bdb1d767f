package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.common.ErrorResponses;
import dev.kiln.protocol.InternalPaths;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every data-plane request its prediction id before anything else runs, and stamps X-Predict-Id on
 * its response — including errors Micronaut produces itself (ErrorResponses puts the same id in the body).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class PredictIds {

    /**
     * /ping, /{id}/predict|ping|info, /{id}/predictions/{predictId}, /v1/models/…, /predictions/{id}, /v2/health/…, /v2/models/…; management and
     * internal paths never match.
     */
    private static final Pattern DATA_PLANE = Pattern.compile("/ping|/(?!api/|internal/)[^/]+/(predict|ping|info|predictions/[^/]+)"
            + "|/v1/models/[^/]+|/predictions/[^/]+|/v2/health/(live|ready)|/v2/models/[^/]+(/ready|/infer)?");

    static String of(HttpRequest<?> request) {
        return request.getAttribute(ErrorResponses.PREDICT_ID_ATTRIBUTE, String.class).orElseGet(() -> assign(request));
    }

    @RequestFilter
    void assignOnDataPlane(HttpRequest<?> request) {
        if (DATA_PLANE.matcher(request.getPath()).matches()) {
            assign(request);
        }
    }

    @ResponseFilter
    void stamp(HttpRequest<?> request, MutableHttpResponse<?> response) {
        request.getAttribute(ErrorResponses.PREDICT_ID_ATTRIBUTE, String.class)
                .ifPresent(id -> response.getHeaders().set(InternalPaths.PREDICT_ID_HEADER, id));
    }

    private static String assign(HttpRequest<?> request) {
        String id = UUID.randomUUID().toString();
        request.setAttribute(ErrorResponses.PREDICT_ID_ATTRIBUTE, id);
        return id;
    }
}
