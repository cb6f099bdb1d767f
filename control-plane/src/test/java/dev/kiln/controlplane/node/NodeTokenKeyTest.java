package dev.kiln.controlplane.node;

import dev.kiln.controlplane.support.ApiTest;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeTokenKeyTest {

    @Test
    void startupFailsClearlyWhenTheNodeTokenKeyIsMissing() {
        Map<String, Object> properties = properties();
        properties.remove(NodeTokenKey.PROPERTY);

        assertThatThrownBy(() -> ApplicationContext.run(properties).close())
                .satisfies(e -> assertThat(rootMessage(e)).contains("KILN_NODE_TOKEN_KEY is not set"));
    }

    @Test
    void aTooShortNodeTokenKeyIsRefusedWithTheLengthItNeeds() {
        assertThatThrownBy(() -> NodeTokenKey.fromSetting("short"))
                .hasMessageContaining("KILN_NODE_TOKEN_KEY is too short (5 characters): use at least 32");
        assertThat(NodeTokenKey.fromSetting("x".repeat(32)).getEncoded()).hasSize(32);
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
