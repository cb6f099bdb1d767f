package dev.kiln.controlplane.common;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * Browser hardening on every control-plane response (DESIGN §8): a strict Content-Security-Policy (scripts and
 * styles only from this origin, no inline script, never framed), no MIME sniffing, no referrer, and HSTS once the
 * request came over TLS (directly, or through a proxy whose {@code X-Forwarded-Proto} is trusted). Images may also
 * be data: URLs: the dashboard shows the picture a user evaluates that way, and its favicon is one.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class BrowserHeaders implements Ordered {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
            + "base-uri 'none'; object-src 'none'";
    static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

    private final boolean trustForwardedProto;

    BrowserHeaders(@Value("${kiln.http.trust-forwarded-proto:false}") boolean trustForwardedProto) {
        this.trustForwardedProto = trustForwardedProto;
    }

    @ResponseFilter
    void harden(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.header("X-Content-Type-Options", "nosniff");
        response.header("Referrer-Policy", "no-referrer");
        if (overTls(request)) {
            response.header("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
        }
    }

    /** Before every other filter, so its response filter sees every response, security's 401s included. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }

    private boolean overTls(HttpRequest<?> request) {
        return request.isSecure() || trustForwardedProto
                && "https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto"));
    }
}
