package dev.kiln.controlplane.gateway;

import io.micronaut.http.HttpResponse;

/** How a call sent on to an instance ended, before it becomes the client's response. */
sealed interface Reply {
    /** The node answered: status, content type and bytes as they came. */
    record FromNode(int status, String contentType, byte[] body) implements Reply {
    }

    /** The gateway's own error (no instance reachable, timeout, broken answer), ready to send. */
    record Failed(HttpResponse<?> response) implements Reply {
    }

    default HttpResponse<?> toResponse(String predictId) {
        return switch (this) {
            case FromNode node -> DataPlaneResponses.relay(node.status(), node.contentType(), node.body(), predictId);
            case Failed failed -> failed.response();
        };
    }
}
