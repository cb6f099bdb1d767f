package dev.kiln.controlplane.common;

import dev.kiln.protocol.ErrorBody;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.format.ReadableBytes;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Routes that bind their body whole (login, refresh, invitations, JSON writes, /internal/**) are bounded by
 * {@code kiln.http.max-buffered-body} (KILN_MAX_REQUEST_BUFFER): a declared Content-Length over it is refused here at
 * once, before anything is read or any login is checked. A chunked body is bounded as it arrives by Micronaut's
 * {@code micronaut.server.max-request-buffer-size}, a little higher (see application.yml). Model uploads
 * (streamed to disk, their own limit), node captures (read as a stream within kiln.capture.max-bytes) and the data plane (the gateway's own limit and budget) are not buffered.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class BufferedBodyLimit implements Ordered {

    private static final Pattern BUFFERED = Pattern.compile("/(api|internal)/.*");
    /** Model uploads, evaluations (a predict body, under the gateway's limit and budget) and node captures. */
    private static final Pattern STREAMED = Pattern.compile(
            "/api/v1/(models/[^/]+/versions|deployments/[^/]+/evaluate)|/internal/v1/captures");

    private final long limit;

    BufferedBodyLimit(@Value("${kiln.http.max-buffered-body:64KB}") @ReadableBytes long limit) {
        this.limit = limit;
    }

    @RequestFilter
    @Nullable
    MutableHttpResponse<ErrorBody> refuseOversized(HttpRequest<?> request) {
        if (request.getContentLength() <= limit || !BUFFERED.matcher(request.getPath()).matches()
                || request.getMethod() == HttpMethod.POST && STREAMED.matcher(request.getPath()).matches()) {
            return null;
        }
        ErrorBody body = ErrorBody.of(413, "The request body is larger than the limit of " + limit / 1024
                + " KB for this resource.", List.of(), null);
        return HttpResponse.<ErrorBody>status(HttpStatus.REQUEST_ENTITY_TOO_LARGE).body(body);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
