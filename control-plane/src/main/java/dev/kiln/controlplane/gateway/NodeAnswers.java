package dev.kiln.controlplane.gateway;

import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks what a node answers to a call that is not a prediction (model metadata) before it reaches a client: parsed
 * as the expected shape and written again by the gateway, so a node answering HTML, garbage or anything else never
 * has its bytes relayed (a 502 with the error body instead). Its own error answers pass as error bodies.
 */
@Singleton
class NodeAnswers {

    private final JsonMapper json;

    NodeAnswers(JsonMapper json) {
        this.json = json;
    }

    /** A tensor of the OIP v2 model metadata. */
    @Serdeable
    record Tensor(String name, String datatype, List<Long> shape) {
        boolean complete() {
            return name != null && datatype != null && shape != null && !shape.contains(null);
        }
    }

    /** {@code GET /v2/models/{name}} as the node answers it. */
    @Serdeable
    record ModelMetadata(String name, List<String> versions, String platform, List<Tensor> inputs,
                         List<Tensor> outputs) {
        boolean complete() {
            return name != null && platform != null && versions != null && !versions.contains(null)
                    && inputs != null && outputs != null
                    && inputs.stream().allMatch(t -> t != null && t.complete())
                    && outputs.stream().allMatch(t -> t != null && t.complete());
        }
    }

    HttpResponse<?> metadata(Reply reply, String predictId) {
        if (!(reply instanceof Reply.FromNode node)) {
            return reply.toResponse(predictId);
        }
        if (node.status() == 200) {
            return parse(node.body(), ModelMetadata.class).filter(ModelMetadata::complete)
                    .<HttpResponse<?>>map(metadata -> DataPlaneResponses.relay(200, MediaType.APPLICATION_JSON,
                            write(metadata), predictId))
                    .orElseGet(() -> notUnderstood(predictId));
        }
        return parse(node.body(), ErrorBody.class)
                .filter(error -> error.message() != null && isError(node.status()))
                .<HttpResponse<?>>map(error -> DataPlaneResponses.error(node.status(), error.message(),
                        Objects.requireNonNullElse(error.detail(), List.of()), predictId))
                .orElseGet(() -> notUnderstood(predictId));
    }

    private static boolean isError(int status) {
        try {
            return status >= 400 && HttpStatus.valueOf(status).getCode() == status;
        } catch (IllegalArgumentException unknownCode) {
            return false;
        }
    }

    private static HttpResponse<?> notUnderstood(String predictId) {
        return DataPlaneResponses.error(502, "The instance sent an answer the gateway does not understand.",
                predictId);
    }

    private <T> Optional<T> parse(byte[] body, Class<T> type) {
        try {
            return Optional.ofNullable(json.readValue(body, type));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("Could not encode a parsed answer", e);
        }
    }
}
