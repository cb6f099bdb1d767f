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
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** The gateway's Open Inference Protocol v2 calls: raw tensors in and out, and the model's tensor signature. */
@Controller
final class TensorController {
    private final TensorService service;
    private final PredictService predictions;
    private final GatewayAuth auth;

    TensorController(TensorService service, PredictService predictions, GatewayAuth auth) {
        this.service = service;
        this.predictions = predictions;
        this.auth = auth;
    }

    @Get(uri = InternalPaths.NODE_METADATA, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<HttpResponse<?>> metadata(@PathVariable String instanceId, HttpRequest<?> request,
                                                @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return answer(request, authorization, 0, () -> service.metadata(instanceId));
    }

    @Post(uri = InternalPaths.NODE_INFER, consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<HttpResponse<?>> infer(@PathVariable String instanceId, HttpRequest<?> request,
                                             @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                                             @Nullable @Body byte[] body) {
        String predictId = PredictIds.of(request);
        return answer(request, authorization, predictions.timeoutMs(instanceId),
                () -> service.infer(instanceId, predictId, body));
    }

    private CompletableFuture<HttpResponse<?>> answer(HttpRequest<?> request, @Nullable String authorization,
                                                      long timeoutMs, Supplier<CompletableFuture<?>> work) {
        String predictId = PredictIds.of(request);
        if (!auth.accepts(authorization)) {
            return CompletableFuture.completedFuture(ErrorResponses.body(401,
                    "A valid gateway token is required.", List.<ErrorBody.Detail>of(), predictId));
        }
        try {
            return work.get().<HttpResponse<?>>thenApply(HttpResponse::ok)
                    .exceptionally(e -> ErrorResponses.of(e, predictId, timeoutMs));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ErrorResponses.of(e, predictId, timeoutMs));
        }
    }
}
