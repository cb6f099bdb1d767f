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
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * {@link InternalPaths#CAPTURES} on the internal listener: a node's capture, authenticated by its credential like a
 * heartbeat. The body is read as a stream within {@code kiln.capture.max-bytes} (it is larger than what the
 * internal API buffers), after the credential is checked.
 */
@Hidden
@Controller(port = "${kiln.internal-port:8070}")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class CaptureIntakeController {

    /** Predictions of one image, polygons included, stay far below this. */
    static final int MAX_METADATA_BYTES = 1 << 20;

    private final NodeAuth auth;
    private final CaptureIntake intake;
    private final CaptureConfig config;
    private final JsonMapper json;

    CaptureIntakeController(NodeAuth auth, CaptureIntake intake, CaptureConfig config, JsonMapper json) {
        this.auth = auth;
        this.intake = intake;
        this.config = config;
        this.json = json;
    }

    @Post(value = InternalPaths.CAPTURES, consumes = "application/octet-stream")
    HttpResponse<?> capture(@Header(HttpHeaders.AUTHORIZATION) @Nullable String authorization,
                            HttpRequest<?> request) {
        Optional<Node> node = auth.authenticate(authorization);
        if (node.isEmpty()) {
            return error(401, "The node credentials are missing or wrong.");
        }
        long limit = 4L + MAX_METADATA_BYTES + config.maxBytes();
        if (request.getContentLength() > limit) {
            return error(413, "A capture is limited to " + config.maxBytes() + " bytes of image.");
        }
        if (!(request instanceof ServerHttpRequest<?> server)) {
            throw new IllegalStateException("Captures arrive through the HTTP server");
        }
        try (InputStream body = server.byteBody().toInputStream(); DataInputStream in = new DataInputStream(body)) {
            int length = in.readInt();
            if (length < 2 || length > MAX_METADATA_BYTES) {
                return error(400, "The capture's metadata length is not valid.");
            }
            CaptureMetadata meta = json.readValue(in.readNBytes(length), CaptureMetadata.class);
            byte[] image = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.maxBytes() + 1));
            if (image.length > config.maxBytes()) {
                return error(413, "A capture is limited to " + config.maxBytes() + " bytes of image.");
            }
            if (meta.instanceId() == null || meta.deploymentId() == null || meta.modelVersionId() == null) {
                return error(400, "The capture's metadata must name its instance, deployment and model version.");
            }
            return switch (intake.store(node.get(), meta, image)) {
                case IntakeOutcome.Stored stored -> HttpResponse.noContent();
                case IntakeOutcome.Refused refused -> error(refused.status(), refused.message());
            };
        } catch (EOFException e) {
            return error(400, "The capture's body ended early.");
        } catch (IOException e) {
            return error(400, "The capture's metadata is not readable: " + e.getMessage());
        }
    }

    private static HttpResponse<?> error(int status, String message) {
        return HttpResponse.status(HttpStatus.valueOf(status)).body(ErrorBody.of(status, message, List.of(), null));
    }
}
