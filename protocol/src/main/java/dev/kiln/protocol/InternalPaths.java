package dev.kiln.protocol;

/** Paths and headers of the internal API between control plane and nodes, and of the gateway→node hop. */
public final class InternalPaths {
    /** Node registration: POST, header {@link #JOIN_TOKEN_HEADER}, body {@link NodeRegistration} → {@link NodeCredentials}. */
    public static final String REGISTER = "/internal/v1/nodes/register";
    /** Heartbeat: POST, bearer node secret, body {@link Heartbeat} → {@link HeartbeatAck}. */
    public static final String HEARTBEAT = "/internal/v1/nodes/{nodeId}/heartbeat";
    /** Desired state long-poll: GET ?after={version}&amp;waitMs=, bearer node secret → {@link Assignments}. */
    public static final String ASSIGNMENTS = "/internal/v1/nodes/{nodeId}/assignments";
    /** Model bytes by content hash: GET, bearer node secret → application/octet-stream. */
    public static final String ARTIFACT = "/internal/v1/artifacts/{sha256}";
    /**
     * A captured prediction (data capture): POST, bearer node secret, body: a 4-byte big-endian length, that many
     * bytes of {@link CaptureMetadata} JSON, then the image bytes → 204.
     */
    public static final String CAPTURES = "/internal/v1/captures";

    /** On the node: gateway-forwarded prediction, bearer gateway token, header {@link #PREDICT_ID_HEADER}. */
    public static final String NODE_PREDICT = "/internal/v1/instances/{instanceId}/predict";
    /** On the node: instance info (descriptor as loaded), bearer gateway token. */
    public static final String NODE_INSTANCE = "/internal/v1/instances/{instanceId}";
    /** On the node: Open Inference Protocol v2 infer (JSON tensors in and out), bearer gateway token. */
    public static final String NODE_INFER = "/internal/v1/instances/{instanceId}/infer";
    /** On the node: Open Inference Protocol v2 model metadata (inputs, outputs), bearer gateway token. */
    public static final String NODE_METADATA = "/internal/v1/instances/{instanceId}/metadata";

    public static final String JOIN_TOKEN_HEADER = "X-Kiln-Join-Token";
    public static final String PREDICT_ID_HEADER = "X-Predict-Id";
    /**
     * Gateway→node: set to {@link #EVALUATION_TRAFFIC} on a prediction sent from the dashboard's evaluation, so the
     * node counts it apart from production traffic. Only the gateway (holding the gateway token) reaches the node.
     */
    public static final String TRAFFIC_HEADER = "X-Kiln-Traffic";
    public static final String EVALUATION_TRAFFIC = "evaluation";

    private InternalPaths() {
    }
}
