package dev.kiln.controlplane.node;

import dev.kiln.protocol.ErrorBody;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.util.List;

/**
 * Keeps the internal listener and the others apart: only /internal/** on the internal port, and /internal/** on no
 * other port. The node API's routes are bound to the internal port already; this also keeps the dashboard's static
 * files, the error routes and anything added later off the internal port. Runs before security: simply not found.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class InternalPortGuard implements Ordered {

    private static final String INTERNAL_PREFIX = "/internal/";

    private final int internalPort;

    InternalPortGuard(@Value("${kiln.internal-port:8070}") int internalPort) {
        this.internalPort = internalPort;
    }

    @RequestFilter
    @Nullable
    MutableHttpResponse<ErrorBody> guard(HttpRequest<?> request) {
        boolean internalPath = request.getPath().startsWith(INTERNAL_PREFIX);
        boolean internalListener = request.getServerAddress().getPort() == internalPort;
        if (internalPath == internalListener) {
            return null;
        }
        String message = internalListener ? "Only /internal/** is served on the internal port."
                : "No such resource.";
        return HttpResponse.<ErrorBody>status(HttpStatus.NOT_FOUND).body(ErrorBody.of(404, message, List.of(), null));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
