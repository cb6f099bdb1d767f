package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.common.ByteBudget;
import dev.kiln.controlplane.keys.KeyVerifier;
import dev.kiln.controlplane.keys.VerifiedKey;
import io.micronaut.core.annotation.Nullable;
import dev.kiln.protocol.InternalPaths;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.ServerHttpRequest;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The data plane's prediction path (DESIGN §1, §4): authenticate the project key from memory, find the
 * deployment's ready instances from memory, apply the key's rate limit, forward the body unchanged to the least
 * busy one, retry once elsewhere when its node cannot be reached, and relay the answer. Never blocks the calling
 * thread. The other protocols (KServeV1, RawImagePredictions, OpenInferenceV2, DeploymentInfo) reuse its checks
 * and dispatch.
 */
@Singleton
public class Gateway {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final String BEARER = "Bearer ";

    private final KeyVerifier keys;
    private final RoutingTable routes;
    private final Balancer balancer;
    private final NodeForwarder forwarder;
    private final GatewayConfig config;
    private final RateLimiter limiter;
    private final ByteBudget budget;
    private final KeyConcurrency concurrency;
    private final Activator activator;
    private final VersionRoutes versions;
    private final ShadowCalls shadows;

    Gateway(KeyVerifier keys, RoutingTable routes, Balancer balancer, NodeForwarder forwarder, GatewayConfig config,
            RateLimiter limiter, Activator activator, VersionRoutes versions, ShadowCalls shadows) {
        this.activator = activator;
        this.versions = versions;
        this.shadows = shadows;
        this.budget = new ByteBudget(config.inflightBudget(Runtime.getRuntime().maxMemory()));
        this.concurrency = new KeyConcurrency(config.maxConcurrentPerKey());
        this.keys = keys;
        this.limiter = limiter;
        this.routes = routes;
        this.balancer = balancer;
        this.forwarder = forwarder;
        this.config = config;
    }

    public CompletableFuture<HttpResponse<?>> predict(String deploymentId, HttpRequest<?> request, String predictId) {
        return admitted(deploymentId, request, predictId, route -> predict(route, request, predictId));
    }

    /** Runs {@code then} once the call has passed every check, else answers with the refusal. */
    CompletableFuture<HttpResponse<?>> admitted(String deploymentId, HttpRequest<?> request, String predictId,
                                                Function<Route, CompletableFuture<HttpResponse<?>>> then) {
        return admittedAs(deploymentId, request, predictId, admitted -> then.apply(admitted.route()));
    }

    /** {@link #admitted} for protocols that need the key too (KServe v1 charges each instance to it). */
    CompletableFuture<HttpResponse<?>> admittedAs(String deploymentId, HttpRequest<?> request, String predictId,
                                                  Function<Admission.Admitted, CompletableFuture<HttpResponse<?>>> then) {
        return admit(deploymentId, request, predictId).thenCompose(admission -> switch (admission) {
            case Admission.Refused refused -> CompletableFuture.completedFuture(refused.response());
            case Admission.Admitted admitted -> withinKeyConcurrency(admitted, predictId, then);
        });
    }

    /** 429 when the key already has its limit of calls in progress on this replica; else runs {@code then}. */
    private CompletableFuture<HttpResponse<?>> withinKeyConcurrency(
            Admission.Admitted admitted, String predictId,
            Function<Admission.Admitted, CompletableFuture<HttpResponse<?>>> then) {
        UUID key = admitted.key().keyId();
        if (!concurrency.tryEnter(key)) {
            return done(DataPlaneResponses.error(429, "This key already has " + concurrency.limit()
                            + " calls in progress; retry when one has finished.", predictId)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, config.retryAfter().toSeconds()))));
        }
        CompletableFuture<HttpResponse<?>> answer;
        try {
            answer = then.apply(admitted);
        } catch (RuntimeException e) {
            concurrency.exit(key);
            throw e;
        }
        return answer.whenComplete((response, error) -> concurrency.exit(key));
    }

    /** 200 when the deployment has at least one ready instance, else 503. */
    public CompletableFuture<HttpResponse<?>> ping(String deploymentId, HttpRequest<?> request, String predictId) {
        return admit(deploymentId, request, predictId).thenApply(admission -> switch (admission) {
            case Admission.Refused refused -> refused.response();
            case Admission.Admitted admitted when admitted.route().ready().isEmpty() ->
                    noReadyInstance(admitted.route(), predictId);
            case Admission.Admitted admitted -> HttpResponse.ok(Map.of("status", "Healthy",
                            "readyInstances", admitted.route().ready().size()))
                    .header(InternalPaths.PREDICT_ID_HEADER, predictId);
        });
    }

    /**
     * 401 bad key, 404 unknown or another project's deployment (same answer: no existence leak), 403 scope, 429 over
     * the key's or the deployment's rate. Only a call that passed the other checks spends a token.
     */
    CompletableFuture<Admission> admit(String deploymentId, HttpRequest<?> request, String predictId) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        Optional<String> refusal = keyRefusal(authorization);
        if (refusal.isPresent()) {
            return refuse(DataPlaneResponses.error(401, refusal.get(), predictId));
        }
        VerifiedKey key = keys.verify(authorization.substring(BEARER.length()).trim()).orElse(null);
        if (key == null) {
            return refuse(DataPlaneResponses.error(401,
                    "The project key is not valid: unknown, revoked or expired.", predictId));
        }
        UUID id = parseUuid(deploymentId);
        if (id == null) {
            return refuse(notFound(deploymentId, predictId));
        }
        return admit(id, key, predictId);
    }

    /** The checks after the key's: the deployment is the key's project's (else 404), in its scope, within rates. */
    private CompletableFuture<Admission> admit(UUID id, VerifiedKey key, String predictId) {
        String deploymentId = id.toString();
        return routes.find(id).thenApply(route -> {
            if (route.isEmpty() || !route.get().projectId().equals(key.projectId())) {
                return new Admission.Refused(notFound(deploymentId, predictId));
            }
            if (!key.allows(id)) {
                return new Admission.Refused(DataPlaneResponses.error(403,
                        "This key is not allowed to call deployment " + id + ".", predictId));
            }
            if (limiter.acquire(key, route.get()) instanceof RateLimiter.Limited limited) {
                return new Admission.Refused(tooManyRequests(limited, id, predictId));
            }
            return new Admission.Admitted(route.get(), key);
        });
    }

    /**
     * A prediction from the dashboard's evaluation. No project key: {@code authorize} (blocking, run on
     * {@code blocking}) checks the session and yields a stand-in key (see {@link Evaluations}), so the rate limits,
     * the per-key concurrency and the byte budget apply as to predict, and the node counts it as evaluation traffic.
     * The body is claimed at once, before the check: a body left unclaimed meanwhile would be buffered by the server
     * up to its request buffer limit. A refusal that does not need the body (no such deployment, no ready instance,
     * not JSON) waits for the check, so another tenant learns nothing but 404.
     */
    CompletableFuture<HttpResponse<?>> evaluate(UUID deploymentId, HttpRequest<?> request, String predictId,
                                                Supplier<VerifiedKey> authorize, Executor blocking) {
        return routes.find(deploymentId).thenCompose(found -> {
            Route route = found.orElse(null);
            if (route == null || route.ready().isEmpty() || !isJson(request)) {
                return CompletableFuture.supplyAsync(authorize, blocking).thenApply(caller -> route == null
                        ? notFound(deploymentId.toString(), predictId)
                        : route.ready().isEmpty() ? noReadyInstance(route, predictId)
                        : DataPlaneResponses.error(415, "Send the prediction request as application/json.", predictId));
            }
            return readBody(route, request, predictId, 1, body -> CompletableFuture.supplyAsync(authorize, blocking)
                    .thenCompose(caller -> admit(deploymentId, caller, predictId))
                    .thenCompose(admission -> switch (admission) {
                        case Admission.Refused refused -> done(refused.response());
                        case Admission.Admitted admitted -> withinKeyConcurrency(admitted, predictId, a ->
                                dispatch(a.route(), NodeCall.EVALUATE, body, predictId)
                                        .thenApply(reply -> reply.toResponse(predictId)));
                    }));
        });
    }

    private CompletableFuture<HttpResponse<?>> predict(Route route, HttpRequest<?> request, String predictId) {
        return forwardJson(route, request, predictId, NodeCall.PREDICT,
                "Send the prediction request as application/json.");
    }

    /** A JSON body sent on unchanged to an instance's {@code call} endpoint; 415, 413 and 503 checked first. */
    CompletableFuture<HttpResponse<?>> forwardJson(Route route, HttpRequest<?> request, String predictId,
                                                   NodeCall call, String wrongTypeMessage) {
        if (!isJson(request)) {
            return done(DataPlaneResponses.error(415, wrongTypeMessage, predictId));
        }
        return readBody(route, request, predictId, 1, body -> dispatch(route, call, body, predictId)
                .thenApply(reply -> reply.toResponse(predictId)));
    }

    /**
     * Reads the body within the size limit (413 past it, 503 first when it would go nowhere) and the in-flight
     * byte budget (503 + Retry-After when it does not fit), and hands it to {@code then}. The body's bytes, times
     * {@code copies} (what {@code then} makes of it), count against the budget until {@code then}'s answer is done.
     */
    CompletableFuture<HttpResponse<?>> readBody(Route route, HttpRequest<?> request, String predictId, int copies,
                                                Function<byte[], CompletableFuture<HttpResponse<?>>> then) {
        long declared = request.getContentLength();
        if (declared > config.maxBodySize()) {
            return done(tooLarge(predictId));
        }
        if (route.ready().isEmpty()) { // held (autoscaled) or refused before reading a body that would go nowhere
            return activator.activate(route).thenCompose(activation -> switch (activation) {
                case Activation.Ready ready -> readBody(ready.route(), request, predictId, copies, then);
                case Activation.Inactive inactive -> done(noReadyInstance(route, predictId));
                case Activation.Full full -> done(DataPlaneResponses.unavailable("Deployment " + route.deploymentId()
                        + " is starting an instance and already holds " + full.limit() + " requests; retry shortly.",
                        predictId, config.retryAfter()));
                case Activation.TimedOut timedOut -> done(DataPlaneResponses.unavailable("Deployment "
                        + route.deploymentId() + " had no ready instance within its timeout of " + route.timeoutMs()
                        + " ms; an instance is starting, retry shortly.", predictId, config.retryAfter()));
            });
        }
        if (!(request instanceof ServerHttpRequest<?> server)) {
            throw new IllegalStateException("Predictions arrive through the HTTP server");
        }
        ByteBudget.Lease lease = budget.tryAcquire(Math.max(0, declared) * copies);
        if (lease == null) {
            return done(overBudget(predictId));
        }
        return BodyReader.read(server.byteBody(), config.maxBodySize(), declared, lease, copies)
                .thenCompose(result -> switch (result) {
                    case BodyReader.Result.Read read -> then.apply(read.bytes());
                    case BodyReader.Result.TooLarge tooLarge -> done(tooLarge(predictId));
                    case BodyReader.Result.OverBudget overBudget -> done(overBudget(predictId));
                })
                .whenComplete((response, error) -> lease.release());
    }

    /** Holds {@code bytes} of the in-flight budget for work that outlives its request; null when they do not fit. */
    ByteBudget.Lease hold(long bytes) {
        return budget.tryAcquire(bytes);
    }

    /** The 503 of a request whose bytes do not fit in the in-flight budget now. */
    HttpResponse<?> overBudget(String predictId) {
        return DataPlaneResponses.unavailable("The gateway is holding as many request bytes as it may ("
                + readable(budget.capacity()) + "); retry shortly.", predictId, config.retryAfter());
    }

    /**
     * Sends {@code body} to the least busy ready instance's {@code call} endpoint, retrying once elsewhere. With a
     * traffic list, the instance is one of the version picked for this request; a copy goes to the shadow version
     * only once this call is done (see {@link ShadowCalls}).
     */
    CompletableFuture<Reply> dispatch(Route route, NodeCall call, byte[] body, String predictId) {
        // A route read before an activation has no instance; the table has the one that woke the request.
        Route latest = route.ready().isEmpty() ? routes.current(route.deploymentId()).orElse(route) : route;
        VersionRoutes.Narrowed narrowed = versions.narrow(latest);
        CompletableFuture<Reply> reply = dispatch(route.deploymentId(), narrowed.serving(), narrowed.version(), call,
                body, predictId, Set.of());
        if (narrowed.shadow() != null && call != NodeCall.METADATA) {
            reply.whenComplete((answer, error) -> mirror(narrowed.shadow(), call, body, predictId));
        }
        return reply;
    }

    /** The shadow's copy holds its bytes in the in-flight budget until it is done; no room means no copy. */
    private void mirror(Route shadow, NodeCall call, byte[] body, String predictId) {
        ByteBudget.Lease lease = budget.tryAcquire(body.length);
        if (lease == null) {
            shadows.drop();
            return;
        }
        shadows.mirror(shadow, call, body, predictId, lease::release);
    }

    /** Sends to the least busy ready instance; once more to another one (of the same version) if unreachable. */
    private CompletableFuture<Reply> dispatch(UUID deploymentId, Route route, @Nullable UUID version, NodeCall call,
                                              byte[] body, String predictId, Set<UUID> tried) {
        Optional<Target> picked = balancer.pick(route.ready(), tried);
        if (picked.isEmpty()) {
            return failed(tried.isEmpty() ? noReadyInstance(route, predictId)
                    : DataPlaneResponses.unavailable("No ready instance of deployment " + deploymentId
                    + " could be reached.", predictId, config.retryAfter()));
        }
        Target target = picked.get();
        balancer.started(target);
        Duration timeout = Duration.ofMillis(route.timeoutMs()).plus(config.timeoutGrace());
        return forwarder.forward(target, call, body, predictId, timeout).thenCompose(outcome -> {
            balancer.finished(target);
            return switch (outcome) {
                case NodeForwarder.Outcome.Answered answered -> CompletableFuture.<Reply>completedFuture(
                        new Reply.FromNode(answered.status(), answered.contentType(), answered.body()));
                case NodeForwarder.Outcome.Unreachable unreachable when tried.isEmpty() -> {
                    LOG.warn("Instance {} at {} unreachable ({}); retrying on another instance",
                            target.instanceId(), target.address(), unreachable.cause().toString());
                    // The routing table may have dropped or added instances meanwhile; retry on its view.
                    Route latest = versions.restrict(routes.current(deploymentId).orElse(route), version);
                    yield dispatch(deploymentId, latest, version, call, body, predictId, Set.of(target.instanceId()));
                }
                case NodeForwarder.Outcome.Unreachable unreachable -> {
                    LOG.warn("Instance {} at {} unreachable too ({})", target.instanceId(), target.address(),
                            unreachable.cause().toString());
                    yield failed(DataPlaneResponses.unavailable("No ready instance of deployment " + deploymentId
                            + " could be reached.", predictId, config.retryAfter()));
                }
                case NodeForwarder.Outcome.TimedOut timedOut -> failed(DataPlaneResponses.error(504,
                        "The deployment did not answer within its timeout of " + route.timeoutMs() + " ms.",
                        predictId));
                case NodeForwarder.Outcome.Broken broken -> {
                    LOG.warn("Answer of instance {} broke off: {}", target.instanceId(), broken.cause().toString());
                    yield failed(DataPlaneResponses.error(502, "The instance's answer broke off; try again.",
                            predictId));
                }
            };
        });
    }

    private static Optional<String> keyRefusal(@Nullable String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.of("A project key is required: send Authorization: Bearer <secret>.");
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || authorization.substring(BEARER.length()).isBlank()) {
            return Optional.of("The Authorization header must be 'Bearer <secret>'.");
        }
        return Optional.empty();
    }

    private static HttpResponse<?> tooManyRequests(RateLimiter.Limited limited, UUID deploymentId, String predictId) {
        String whose = limited.deploymentLimited() ? "Deployment " + deploymentId : "This key";
        return DataPlaneResponses.error(429, whose + " is over its limit of " + limited.limit()
                        + " requests per second; retry later.", predictId)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1,
                        TimeUnit.NANOSECONDS.toSeconds(limited.waitNanos() + 999_999_999L))));
    }

    static boolean isJson(HttpRequest<?> request) {
        return request.getContentType().map(type -> MediaType.APPLICATION_JSON.equals(type.getName())).orElse(false);
    }

    HttpResponse<?> noReadyInstance(Route route, String predictId) {
        return DataPlaneResponses.unavailable("Deployment " + route.deploymentId() + " has no ready instance yet.",
                predictId, config.retryAfter());
    }

    private HttpResponse<?> tooLarge(String predictId) {
        return DataPlaneResponses.error(413, "The request body is larger than the limit of "
                + readable(config.maxBodySize()) + ".", predictId);
    }

    static HttpResponse<?> notFound(String deploymentId, String predictId) {
        return DataPlaneResponses.error(404, "No deployment " + deploymentId + ".", predictId);
    }

    private static String readable(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MB" : bytes + " bytes";
    }

    private static @Nullable UUID parseUuid(String value) {
        try {
            return value.length() == 36 ? UUID.fromString(value) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static CompletableFuture<Admission> refuse(HttpResponse<?> response) {
        return CompletableFuture.completedFuture(new Admission.Refused(response));
    }

    private static CompletableFuture<Reply> failed(HttpResponse<?> response) {
        return CompletableFuture.completedFuture(new Reply.Failed(response));
    }

    static CompletableFuture<HttpResponse<?>> done(HttpResponse<?> response) {
        return CompletableFuture.completedFuture(response);
    }
}
