package dev.kiln.controlplane.gateway;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import jakarta.inject.Singleton;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * TorchServe-style predictions (DESIGN §4.2): the request body is the image itself ({@code curl -T photo.jpg}, which
 * sends no content type), wrapped here as a §4.1 base64 body and sent through the normal prediction path; or a
 * multipart form ({@code curl -F data=@photo.jpg}) with one image per part, each predicted, answered in order.
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
        if (isMultipart(request)) {
            String boundary = request.getContentType().map(t -> t.getParameters().get("boundary").orElse(null))
                    .orElse(null);
            return gateway.readBody(route, request, predictId, RAW_COPIES, body -> predictParts(route,
                    MultipartImages.parse(body, unquote(boundary)), predictId));
        }
        if (!isImage(request)) {
            return Gateway.done(DataPlaneResponses.error(415, "Send the raw image bytes with an image/* or "
                    + "application/octet-stream content type, or a multipart/form-data body.", predictId));
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

    /** One answer for one image; a JSON array of the answers, in the parts' order, for several. */
    private CompletableFuture<HttpResponse<?>> predictParts(Route route, List<byte[]> images, String predictId) {
        if (images == null || images.isEmpty() || images.stream().anyMatch(i -> i.length == 0)) {
            return Gateway.done(DataPlaneResponses.badRequest("The multipart body must hold one or more non-empty "
                    + "image parts (curl -F data=@photo.jpg).", List.of("body"), "value_error.multipart", predictId));
        }
        if (images.size() > config.maxInstancesPerRequest()) {
            return Gateway.done(DataPlaneResponses.badRequest("At most " + config.maxInstancesPerRequest()
                    + " images per request.", List.of("body"), "value_error.too_many", predictId));
        }
        List<CompletableFuture<Reply>> replies = images.stream()
                .map(image -> gateway.dispatch(route, NodeCall.PREDICT, wrap(image), predictId)).toList();
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<Reply> answers = replies.stream().map(CompletableFuture::join).toList();
            for (Reply reply : answers) {
                if (!(reply instanceof Reply.FromNode node) || node.status() != 200) {
                    return reply.toResponse(predictId);
                }
            }
            if (answers.size() == 1) {
                return answers.getFirst().toResponse(predictId);
            }
            ByteArrayOutputStream array = new ByteArrayOutputStream();
            array.write('[');
            for (int i = 0; i < answers.size(); i++) {
                if (i > 0) {
                    array.write(',');
                }
                array.writeBytes(((Reply.FromNode) answers.get(i)).body());
            }
            array.write(']');
            return DataPlaneResponses.relay(200, MediaType.APPLICATION_JSON, array.toByteArray(), predictId);
        });
    }

    private static String unquote(String boundary) {
        return boundary != null && boundary.length() > 1 && boundary.startsWith("\"") && boundary.endsWith("\"")
                ? boundary.substring(1, boundary.length() - 1) : boundary;
    }

    private static boolean isMultipart(HttpRequest<?> request) {
        return request.getContentType().map(t -> MediaType.MULTIPART_FORM_DATA.equals(t.getName())).orElse(false);
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
