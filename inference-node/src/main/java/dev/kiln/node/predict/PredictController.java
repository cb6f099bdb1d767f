package dev.kiln.node.predict;

import dev.kiln.protocol.ErrorBody;
import dev.kiln.protocol.InternalPaths;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Gateway-forwarded predictions. Runs on the event loop only long enough to hand the body to the service. */
@Controller
final class PredictController {
    private final PredictService service;
    private final GatewayAuth auth;

    PredictController(PredictService service, GatewayAuth auth) {
        this.service = service;
        this.auth = auth;
    }

    @Post(uri = InternalPaths.NODE_PREDICT, consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<HttpResponse<?>> predict(@PathVariable String instanceId, HttpRequest<?> request,
                                               @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                                               @Nullable @Body byte[] body) {
        String predictId = PredictIds.of(request);
        if (!auth.accepts(authorization)) {
            return CompletableFuture.completedFuture(ErrorResponses.body(401,
                    "A valid gateway token is required.", List.<ErrorBody.Detail>of(), predictId));
        }
        try {
            return service.predict(instanceId, predictId, body)
                    .<HttpResponse<?>>thenApply(HttpResponse::ok)
                    .exceptionally(e -> ErrorResponses.of(e, predictId, service.timeoutMs(instanceId)));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ErrorResponses.of(e, predictId, 0));
        }
    }
}
