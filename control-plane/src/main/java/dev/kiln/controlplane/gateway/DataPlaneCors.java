package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.keys.KeyVerifier;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CORS on the data plane (DESIGN §8), for the origins the deployment's project allows ({@code allowedOrigins}):
 * a preflight is answered 204 with the origin, methods, headers and max-age, a call gets the origin back so the
 * page can read the answer. Any other origin gets no CORS header and a 403 preflight, so a browser refuses. The
 * origins are compared exactly, as canonical strings (see {@code tenancy.Origins}), from the key table's memory;
 * every response to a request with an Origin says {@code Vary: Origin}.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class DataPlaneCors {

    static final String METHODS = "GET, HEAD, POST, OPTIONS";
    static final String HEADERS = "Authorization, Content-Type";
    /** Preflights are cached by the browser this long: a removed origin keeps working at most this long there. */
    static final long MAX_AGE_SECONDS = 600;
    /** The data-plane routes a page may call, with the deployment id in one of the groups. */
    private static final Pattern DATA_PLANE = Pattern.compile(
            "/(?!api/|internal/|v1/|v2/)([^/]+)/(?:predict|ping|info|predictions/[^/]+)"
                    + "|/v1/models/([^/:]+)(?::predict)?|/predictions/([^/]+)(?:/[^/]+)?|/v2/models/([^/]+)(?:/ready|/infer)?");

    private final RoutingTable routes;
    private final KeyVerifier keys;

    DataPlaneCors(RoutingTable routes, KeyVerifier keys) {
        this.routes = routes;
        this.keys = keys;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> preflight(HttpRequest<?> request) {
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        if (request.getMethod() != HttpMethod.OPTIONS || origin == null
                || !request.getHeaders().contains(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD)) {
            return null;
        }
        Optional<UUID> deployment = deploymentOf(request.getPath());
        if (deployment.isEmpty()) {
            return null;
        }
        if (!allowed(deployment.get(), origin)) {
            return DataPlaneResponses.error(403, "Pages of " + origin + " may not call deployment "
                    + deployment.get() + "; an ADMIN of its project can allow the origin in allowedOrigins.",
                    PredictIds.of(request)).header(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        }
        // Complete here: a response a request filter returns skips the response filter below.
        return HttpResponse.noContent()
                .header(HttpHeaders.VARY, HttpHeaders.ORIGIN)
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, METHODS)
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, HEADERS)
                .header(HttpHeaders.ACCESS_CONTROL_MAX_AGE, Long.toString(MAX_AGE_SECONDS));
    }

    @ResponseFilter
    void allowOrigin(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        if (origin == null) {
            return;
        }
        Optional<UUID> deployment = deploymentOf(request.getPath());
        if (deployment.isEmpty()) {
            return;
        }
        response.getHeaders().add(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        if (allowed(deployment.get(), origin)) {
            response.getHeaders().set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response.getHeaders().set(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, "X-Predict-Id, Retry-After");
        }
    }

    /** Only a deployment the gateway knows has a project whose origins count. */
    private boolean allowed(UUID deploymentId, String origin) {
        return routes.current(deploymentId).map(route -> keys.allowsOrigin(route.projectId(), origin)).orElse(false);
    }

    static Optional<UUID> deploymentOf(String path) {
        Matcher matcher = DATA_PLANE.matcher(path);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        for (int group = 1; group <= matcher.groupCount(); group++) {
            String id = matcher.group(group);
            if (id != null) {
                try {
                    return id.length() == 36 ? Optional.of(UUID.fromString(id)) : Optional.empty();
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
