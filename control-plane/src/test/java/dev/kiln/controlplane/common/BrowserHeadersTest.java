package dev.kiln.controlplane.common;

import dev.kiln.controlplane.support.ApiTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class BrowserHeadersTest extends ApiTest {

    static final List<String> PAGES = List.of("/", "/index.html", "/openapi", "/openapi.yml", "/api/v1/me",
            "/no-such-page");

    @Test
    void everyPageCarriesAStrictContentSecurityPolicyNoSniffingAndNoReferrer() {
        for (String path : PAGES) {
            HttpResponse<String> response = get(path, null);
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(path).hasValue(
                    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
                            + "object-src 'none'");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(response.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
        }
    }

    @Test
    void plainHttpGetsNoHstsEvenWhenAClientClaimsHttpsWithoutATrustedProxy() {
        assertThat(get("/", null).headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(get("/", "https").headers().firstValue("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void theDashboardAndTheApiBrowserRunWithoutInlineScripts() {
        for (String path : List.of("/", "/openapi")) {
            String page = get(path, null).body();
            assertThat(page).as(path).contains("<script").doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
        }
        HttpResponse<String> init = get("/openapi/assets/kiln-init.js", null);
        assertThat(init.statusCode()).isEqualTo(200);
        assertThat(init.body()).contains("SwaggerUIBundle(");
    }

    private HttpResponse<String> get(String path, String forwardedProto) {
        return get(server.getURL().toString(), path, forwardedProto);
    }

    static HttpResponse<String> get(String base, String path, String forwardedProto) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (forwardedProto != null) {
            request.header("X-Forwarded-Proto", forwardedProto);
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
