package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.support.ApiTest;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtSecretTest {

    @Test
    void startupFailsClearlyWhenTheJwtSecretIsTooShort() {
        Map<String, Object> properties = properties();
        properties.put(JwtSecret.PROPERTY, "short");

        assertThatThrownBy(() -> ApplicationContext.run(properties).close())
                .satisfies(e -> assertThat(rootMessage(e)).contains("KILN_JWT_SECRET is too short"));
    }

    @Test
    void startupFailsClearlyWhenTheJwtSecretIsMissing() {
        Map<String, Object> properties = properties();
        properties.remove(JwtSecret.PROPERTY);

        assertThatThrownBy(() -> ApplicationContext.run(properties).close())
                .satisfies(e -> assertThat(rootMessage(e)).contains("KILN_JWT_SECRET is not set"));
    }

    /** The real test configuration, without starting the HTTP server. */
    private static Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>(new ApiTest() { }.getProperties());
        properties.put("micronaut.server.port", -1);
        return properties;
    }

    private static String rootMessage(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
