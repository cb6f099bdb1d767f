package dev.kiln.controlplane.gateway;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * TorchServe-style predictions (DESIGN §4.2): the request body is the image itself ({@code curl -T photo.jpg}, which
 * sends no content type), wrapped here as a §4.1 base64 body and sent through the normal prediction path.
 */
@Singleton
class RawImagePredictions {

    private static final int RAW_COPIES = 4;

    private final Gateway gateway;
    private final GatewayConfig config;

    RawImagePredictions(Gateway gateway, GatewayConfig config) {
        this.gateway = gateway;
        this.config = config;
    }

    CompletableFuture<HttpResponse<?>> predict(Route route, HttpRequest<?> request, String predictId) {
        if (!isImage(request)) {
            return Gateway.done(DataPlaneResponses.error(415, "Send the raw image bytes with an image/* or "
                    + "application/octet-stream content type.", predictId));
        }
        // The image, then its base64 JSON body (4/3 of it) built once in full while the image is still held.
        return gateway.readBody(route, request, predictId, RAW_COPIES, image -> {
            if (image.length == 0) {
                return Gateway.done(DataPlaneResponses.badRequest("The request body is empty; send the image bytes.",
                        List.of("body"), "value_error.missing", predictId));
            }
            return gateway.dispatch(route, NodeCall.PREDICT, wrap(image), predictId)
                    .thenApply(reply -> reply.toResponse(predictId));
        });
    }

    /** The body limit counts the image; its base64 form, a third larger, is the gateway's own business. */
    private static byte[] wrap(byte[] image) {
        byte[] head = "{\"image_type\":\"base64\",\"data\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] data = Base64.getEncoder().encode(image);
        byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + data.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(data, 0, body, head.length, data.length);
        System.arraycopy(tail, 0, body, head.length + data.length, tail.length);
        return body;
    }

    private static boolean isImage(HttpRequest<?> request) {
        return request.getContentType().map(type -> type.getType().equals("image")
                || MediaType.APPLICATION_OCTET_STREAM.equals(type.getName())).orElse(true);
    }
}
