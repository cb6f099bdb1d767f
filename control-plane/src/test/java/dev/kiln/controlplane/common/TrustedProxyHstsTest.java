package dev.kiln.controlplane.common;

import dev.kiln.controlplane.support.ApiTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Behind a TLS-terminating proxy whose X-Forwarded-Proto is trusted, https requests get HSTS; http ones do not. */
@MicronautTest(transactional = false)
class TrustedProxyHstsTest extends ApiTest {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("kiln.http.trust-forwarded-proto", "true");
        return properties;
    }

    @Test
    void httpsThroughTheTrustedProxyGetsHstsAndPlainHttpDoesNot() {
        assertThat(get("/", "https").headers().firstValue("Strict-Transport-Security"))
                .hasValue("max-age=31536000; includeSubDomains");
        assertThat(get("/api/v1/me", "HTTPS").headers().firstValue("Strict-Transport-Security")).isPresent();
        assertThat(get("/", "http").headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(get("/", null).headers().firstValue("Strict-Transport-Security")).isEmpty();
    }

    private java.net.http.HttpResponse<String> get(String path, String forwardedProto) {
        return BrowserHeadersTest.get(server.getURL().toString(), path, forwardedProto);
    }
}
