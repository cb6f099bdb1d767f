package dev.kiln.node.predict;

import dev.kiln.protocol.InternalPaths;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/** Puts {@code X-Predict-Id} on every response of the instance endpoints, errors included (DESIGN §4.3). */
@ServerFilter("/internal/v1/instances/**")
final class PredictIdFilter {

    @RequestFilter
    void assign(HttpRequest<?> request) {
        PredictIds.of(request);
    }

    @ResponseFilter
    void echo(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.getHeaders().set(InternalPaths.PREDICT_ID_HEADER, PredictIds.of(request));
    }
}
