package dev.kiln.controlplane.gateway;

import dev.kiln.protocol.InternalPaths;

/** Which instance endpoint of a node a data-plane call goes to. */
enum NodeCall {
    PREDICT("POST", InternalPaths.NODE_PREDICT),
    /** A prediction from the dashboard's evaluation: the node counts it apart from production traffic. */
    EVALUATE("POST", InternalPaths.NODE_PREDICT),
    INFER("POST", InternalPaths.NODE_INFER),
    METADATA("GET", InternalPaths.NODE_METADATA);

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
