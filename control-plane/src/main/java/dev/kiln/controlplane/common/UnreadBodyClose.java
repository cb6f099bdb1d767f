package dev.kiln.controlplane.common;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * An error answered to a request with a large body (a 413 on its declared length, a 429 or 503 of the gateway, a
 * refused upload) is usually sent before that body was read. Kept alive, the connection would then have the server
 * read and discard the rest, megabytes of event-loop time per refusal while a flood goes on, and other tenants'
 * calls wait behind it: the answer closes the connection instead.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class UnreadBodyClose implements Ordered {

    /** Bodies up to this size are simply drained: cheaper than a new connection. */
    private static final long DRAINED_BYTES = 64 * 1024;

    @ResponseFilter
    void closeAfterRefusal(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.code() >= 400 && (request.getContentLength() > DRAINED_BYTES || chunked(request))) {
            response.header(HttpHeaders.CONNECTION, "close");
        }
    }

    private static boolean chunked(HttpRequest<?> request) {
        return request.getHeaders().getAll(HttpHeaders.TRANSFER_ENCODING).stream()
                .anyMatch(value -> value.toLowerCase(java.util.Locale.ROOT).contains("chunked"));
    }

    /** Outermost, so it also sees the answers of filters that refuse a request themselves (BufferedBodyLimit). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
