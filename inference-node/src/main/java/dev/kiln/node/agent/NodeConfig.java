package dev.kiln.node.agent;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The node's identity and how it reaches the control plane ({@code kiln.node.*}; environment variables in
 * application.yml). Blank values mean "use the default", which {@link NodeIdentity} works out.
 *
 * @param controlPlaneUrl  {@code KILN_CONTROL_PLANE_INTERNAL_URL}: the control plane's internal listener
 * @param joinToken        {@code KILN_JOIN_TOKEN}, required to register when there are no saved credentials
 * @param address          {@code KILN_NODE_ADDRESS}, the base URL the gateway reaches this node at
 * @param name             {@code KILN_NODE_NAME}
 * @param home             {@code KILN_NODE_HOME}: credentials and the model cache
 * @param region           {@code KILN_NODE_REGION}
 * @param gpus             GPUs to report instead of asking nvidia-smi, as {@code name:memoryMiB} (index = position);
 *                         for tests and for drivers without nvidia-smi
 * @param agentEnabled     join the control plane at start (off in tests that load instances directly)
 * @param gatewayToken     accept this gateway token besides the one issued at registration (tests, tools)
 * @param gatewayTokenGrace how long the gateway token a new registration replaced is still accepted
 *                         ({@code KILN_NODE_GATEWAY_TOKEN_GRACE}; about the control plane's heartbeat timeout)
 * @param requestTimeout   timeout of one control-plane call (the long poll adds its wait)
 * @param pollWait         how long the control plane may hold an assignments long poll
 */
@ConfigurationProperties("kiln.node")
public record NodeConfig(@Bindable(defaultValue = "http://127.0.0.1:8070") String controlPlaneUrl,
                         @Nullable String joinToken,
                         @Nullable String address,
                         @Nullable String name,
                         @Nullable String home,
                         @Nullable String region,
                         @Nullable Map<String, String> labels,
                         @Nullable List<String> gpus,
                         @Bindable(defaultValue = "true") boolean agentEnabled,
                         @Nullable String gatewayToken,
                         @Bindable(defaultValue = "15s") Duration gatewayTokenGrace,
                         @Bindable(defaultValue = "3s") Duration connectTimeout,
                         @Bindable(defaultValue = "15s") Duration requestTimeout,
                         @Bindable(defaultValue = "25s") Duration pollWait) {

    static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
