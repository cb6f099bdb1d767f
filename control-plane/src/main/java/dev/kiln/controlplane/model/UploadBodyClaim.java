package dev.kiln.controlplane.model;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * Claims a model upload's body the moment its headers are routed, before security and the controller run: left
 * unclaimed meanwhile, the server would buffer what arrives. The {@link BodyPipe} asks for nothing until the upload
 * is allowed. After the answer the pipe is closed; a refusal of a large body also closes the connection
 * ({@code UnreadBodyClose}), so its unread rest is never read nor drained.
 */
@ServerFilter("/api/v1/models/*/versions")
class UploadBodyClaim implements Ordered {

    static final String ATTRIBUTE = "kiln.upload.body";
    /** Body bytes asked for while the upload is undecided: none (the server itself reads a 64 KB window). */
    static final long UNDECIDED_BYTES = 0;
    /** Body bytes held in memory ahead of the spool file's writer. */
    static final long RECEIVING_BYTES = 1024 * 1024;

    private final UploadLimits limits;

    UploadBodyClaim(UploadLimits limits) {
        this.limits = limits;
    }

    @RequestFilter
    void claim(HttpRequest<?> request) {
        if (request.getMethod() == HttpMethod.POST && request instanceof ServerHttpRequest<?> server) {
            request.setAttribute(ATTRIBUTE, BodyPipe.of(server.byteBody().toByteArrayPublisher(), UNDECIDED_BYTES,
                    RECEIVING_BYTES, limits.readTimeout().toMillis()));
        }
    }

    @ResponseFilter
    void release(HttpRequest<?> request) {
        BodyPipe body = claimed(request);
        if (body != null) {
            body.close();
        }
    }

    /** The body claimed for this request, if any. */
    @Nullable
    static BodyPipe claimed(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, BodyPipe.class).orElse(null);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }
}
