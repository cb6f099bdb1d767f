package dev.kiln.controlplane.gateway;

import dev.kiln.protocol.InternalPaths;

/**
 * Which instance endpoint of a node a data-plane call goes to. The node's v2 paths live in its predict package
 * (TensorController); they are repeated here rather than added to the shared protocol module.
 */
enum NodeCall {
    PREDICT("POST", InternalPaths.NODE_PREDICT),
    INFER("POST", "/internal/v1/instances/{instanceId}/infer"),
    METADATA("GET", "/internal/v1/instances/{instanceId}/metadata");

    final String method;
    final String pathTemplate;

    NodeCall(String method, String pathTemplate) {
        this.method = method;
        this.pathTemplate = pathTemplate;
    }

    String path(Target target) {
        return pathTemplate.replace("{instanceId}", target.instanceId().toString());
    }
}
