package dev.kiln.controlplane.gateway;

import dev.kiln.protocol.InternalPaths;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MediaType;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/** Sends a data-plane call's body unchanged to an instance's node and reports how it went, without blocking. */
@Singleton
public class NodeForwarder {

    /** How a forwarding attempt ended. */
    public sealed interface Outcome {
        /** The node answered; its status, content type and body are relayed as they are. */
        record Answered(int status, String contentType, byte[] body) implements Outcome {
        }

        /** No response byte came back (refused, reset, connect timeout): safe to try another instance. */
        record Unreachable(Throwable cause) implements Outcome {
        }

        /** The node accepted the request but did not answer in time. */
        record TimedOut() implements Outcome {
        }

        /** The answer started and then broke off. */
        record Broken(Throwable cause) implements Outcome {
        }
    }

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;

    NodeForwarder(GatewayConfig config) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    /** Sends {@code body} (ignored for GET calls) to the instance's endpoint for {@code call}. */
    CompletableFuture<Outcome> forward(Target target, NodeCall call, byte[] body, String predictId, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(target.address() + call.path(target)))
                .timeout(timeout)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + target.gatewayToken())
                .header(InternalPaths.PREDICT_ID_HEADER, predictId)
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                .method(call.method, "GET".equals(call.method) ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (call == NodeCall.EVALUATE) {
            builder.header(InternalPaths.TRAFFIC_HEADER, InternalPaths.EVALUATION_TRAFFIC);
        }
        HttpRequest request = builder.build();
        AtomicBoolean answered = new AtomicBoolean();
        HttpResponse.BodyHandler<byte[]> handler = info -> {
            answered.set(true); // called when the status line and headers have arrived
            return HttpResponse.BodySubscribers.ofByteArray();
        };
        return http.sendAsync(request, handler).handle((response, error) -> {
            if (error == null) {
                return new Outcome.Answered(response.statusCode(),
                        response.headers().firstValue(HttpHeaders.CONTENT_TYPE).orElse(MediaType.APPLICATION_JSON),
                        response.body());
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
                return new Outcome.TimedOut();
            }
            return answered.get() ? new Outcome.Broken(cause) : new Outcome.Unreachable(cause);
        });
    }

    @PreDestroy
    void close() {
        http.shutdownNow();
        executor.shutdownNow();
    }
}
