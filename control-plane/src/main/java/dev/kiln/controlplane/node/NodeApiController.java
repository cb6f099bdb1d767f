package dev.kiln.controlplane.node;

import io.swagger.v3.oas.annotations.Hidden;
import dev.kiln.protocol.Assignments;
import dev.kiln.protocol.ErrorBody;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.InternalPaths;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import jakarta.inject.Named;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The internal API nodes call (PLAN "Internal API"); node credentials are checked here, not by JWT. Its routes exist
 * on the internal listener only ({@code kiln.internal-port}), so a public Ingress in front of the public port
 * cannot reach them.
 */
@Hidden
@Controller(port = "${kiln.internal-port:8070}")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class NodeApiController {

    private final NodeJoin join;
    private final NodeAuth auth;
    private final NodeRegistry registry;
    private final AssignmentsService assignments;
    private final AssignmentsWaiter waiter;
    private final ArtifactDownloads artifacts;
    private final NodesConfig config;
    private final ExecutorService blocking;

    NodeApiController(NodeJoin join, NodeAuth auth, NodeRegistry registry, AssignmentsService assignments,
                      AssignmentsWaiter waiter, ArtifactDownloads artifacts, NodesConfig config,
                      @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.join = join;
        this.auth = auth;
        this.registry = registry;
        this.assignments = assignments;
        this.waiter = waiter;
        this.artifacts = artifacts;
        this.config = config;
        this.blocking = blocking;
    }

    @Post(InternalPaths.REGISTER)
    HttpResponse<?> register(@Header(InternalPaths.JOIN_TOKEN_HEADER) @Nullable String joinToken,
                             @Header(HttpHeaders.AUTHORIZATION) @Nullable String authorization,
                             @Body NodeRegistration registration, HttpRequest<?> request) {
        if (!join.accepts(joinToken)) {
            return unauthorized("The join token is missing or wrong.");
        }
        String secret = NodeAuth.bearerSecret(authorization).orElse(null);
        return switch (registry.register(registration, secret, remoteAddress(request))) {
            case RegistrationOutcome.Admitted admitted -> HttpResponse.ok(admitted.credentials());
            case RegistrationOutcome.Refused refused -> HttpResponse.status(HttpStatus.CONFLICT)
                    .body(ErrorBody.of(409, refused.message(), List.of(), null));
        };
    }

    private static String remoteAddress(HttpRequest<?> request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress();
    }

    @Post(InternalPaths.HEARTBEAT)
    HttpResponse<?> heartbeat(UUID nodeId, @Header(HttpHeaders.AUTHORIZATION) @Nullable String authorization,
                              @Body Heartbeat heartbeat) {
        return auth.authenticate(authorization, nodeId)
                .<HttpResponse<?>>map(node -> HttpResponse.ok(registry.heartbeat(node, heartbeat)))
                .orElseGet(NodeApiController::badNodeCredentials);
    }

    /** Long-poll: answers at once when the node is behind, else when its assignments change or the wait ends. */
    @Get(InternalPaths.ASSIGNMENTS)
    CompletableFuture<HttpResponse<?>> assignments(UUID nodeId,
                                                   @Header(HttpHeaders.AUTHORIZATION) @Nullable String authorization,
                                                   @QueryValue(defaultValue = "-1") long after,
                                                   @QueryValue(defaultValue = "0") long waitMs) {
        if (auth.authenticate(authorization, nodeId).isEmpty()) {
            return CompletableFuture.completedFuture(badNodeCredentials());
        }
        Duration wait = Duration.ofMillis(Math.clamp(waitMs, 0, config.maxAssignmentsWait().toMillis()));
        return waiter.awaitChange(nodeId, after, wait)
                .thenApplyAsync(ignored -> {
                    Assignments current = assignments.load(nodeId);
                    return HttpResponse.ok(current);
                }, blocking);
    }

    @Get(InternalPaths.ARTIFACT)
    HttpResponse<?> artifact(String sha256, @Header(HttpHeaders.AUTHORIZATION) @Nullable String authorization) {
        Optional<Node> node = auth.authenticate(authorization);
        if (node.isEmpty()) {
            return badNodeCredentials();
        }
        return artifacts.open(node.get().id(), sha256)
                .<HttpResponse<?>>map(HttpResponse::ok)
                .orElseGet(() -> HttpResponse.notFound(ErrorBody.of(404,
                        "No artifact " + sha256 + " is assigned to this node.", List.of(), null)));
    }

    private static HttpResponse<?> badNodeCredentials() {
        return unauthorized("The node credentials are missing or wrong.");
    }

    private static HttpResponse<?> unauthorized(String message) {
        return HttpResponse.status(HttpStatus.UNAUTHORIZED).body(ErrorBody.of(401, message, List.of(), null));
    }
}
