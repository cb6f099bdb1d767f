package dev.kiln.controlplane.capture;

import dev.kiln.controlplane.node.Node;
import dev.kiln.controlplane.node.NodeAuth;
import dev.kiln.protocol.CaptureMetadata;
import dev.kiln.protocol.ErrorBody;
import dev.kiln.protocol.InternalPaths;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.inject.Named;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * {@link InternalPaths#CAPTURES} on the internal listener: a node's capture, authenticated by its credential like a
 * heartbeat. The body is read chunk by chunk within {@code kiln.capture.max-bytes} (it is larger than what the
 * internal API buffers), after the credential is checked.
 */
@Hidden
@Controller(port = "${kiln.internal-port:8070}")
@Secured(SecurityRule.IS_ANONYMOUS)
class CaptureIntakeController {

    /** Predictions of one image, polygons included, stay far below this. */
    static final int MAX_METADATA_BYTES = 1 << 20;

    private final NodeAuth auth;
    private final CaptureIntake intake;
    private final CaptureConfig config;
    private final JsonMapper json;
    private final ExecutorService blocking;

    CaptureIntakeController(NodeAuth auth, CaptureIntake intake, CaptureConfig config, JsonMapper json,
                            @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.blocking = blocking;
        this.auth = auth;
        this.intake = intake;
        this.config = config;
        this.json = json;
    }

    /**
     * Not on a blocking thread as a whole: Micronaut buffers the body of such a route first, within the 64 KB of
     * the internal API. The credential is checked and the capture stored on the blocking pool; the body is read in
     * between, chunk by chunk.
     */
    @Post(value = InternalPaths.CAPTURES, consumes = "application/octet-stream")
    CompletableFuture<HttpResponse<?>> capture(@Header(HttpHeaders.AUTHORIZATION) @Nullable String authorization,
                                               HttpRequest<?> request) {
        long limit = 4L + MAX_METADATA_BYTES + config.maxBytes();
        if (request.getContentLength() > limit) {
            return CompletableFuture.<HttpResponse<?>>completedFuture(tooLarge());
        }
        if (!(request instanceof ServerHttpRequest<?> server)) {
            throw new IllegalStateException("Captures arrive through the HTTP server");
        }
        return CompletableFuture.supplyAsync(() -> auth.authenticate(authorization), blocking)
                .<HttpResponse<?>>thenCompose(node -> node.isEmpty()
                        ? CompletableFuture.<HttpResponse<?>>completedFuture(error(401, "The node credentials are missing or wrong."))
                        : BoundedBody.read(server.byteBody(), limit)
                        .<HttpResponse<?>>thenApplyAsync(body -> body.isEmpty() ? tooLarge() : store(node.get(), body.get()), blocking))
                .exceptionally(CaptureIntakeController::unreadable);
    }

    /** A body that broke off is the node's 400; anything else stays a failure (a 500 with the error body). */
    private static HttpResponse<?> unreadable(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof BoundedBody.Unreadable) {
            return error(400, "The capture's body could not be read.");
        }
        throw e instanceof CompletionException c ? c : new CompletionException(e);
    }

    private HttpResponse<?> store(Node node, byte[] body) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            int length = in.readInt();
            if (length < 2 || length > MAX_METADATA_BYTES) {
                return error(400, "The capture's metadata length is not valid.");
            }
            CaptureMetadata meta = json.readValue(in.readNBytes(length), CaptureMetadata.class);
            byte[] image = in.readAllBytes();
            if (image.length > config.maxBytes()) {
                return tooLarge();
            }
            if (meta.instanceId() == null || meta.deploymentId() == null || meta.modelVersionId() == null) {
                return error(400, "The capture's metadata must name its instance, deployment and model version.");
            }
            return switch (intake.store(node, meta, image)) {
                case IntakeOutcome.Stored stored -> HttpResponse.noContent();
                case IntakeOutcome.Refused refused -> error(refused.status(), refused.message());
            };
        } catch (EOFException e) {
            return error(400, "The capture's body ended early.");
        } catch (IOException e) {
            return error(400, "The capture's metadata is not readable: " + e.getMessage());
        }
    }

    private HttpResponse<?> tooLarge() {
        return error(413, "A capture is limited to " + config.maxBytes() + " bytes of image.");
    }

    private static HttpResponse<?> error(int status, String message) {
        return HttpResponse.status(HttpStatus.valueOf(status)).body(ErrorBody.of(status, message, List.of(), null));
    }
}
