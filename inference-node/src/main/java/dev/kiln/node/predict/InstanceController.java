package dev.kiln.node.predict;

import dev.kiln.protocol.InternalPaths;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;

import java.util.List;

/** One served instance's state and descriptor, for the gateway's {@code /{id}/info}. */
@Controller
final class InstanceController {
    private final PredictService service;
    private final GatewayAuth auth;

    InstanceController(PredictService service, GatewayAuth auth) {
        this.service = service;
        this.auth = auth;
    }

    @Get(InternalPaths.NODE_INSTANCE)
    HttpResponse<?> get(@PathVariable String instanceId, HttpRequest<?> request,
                        @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        String predictId = PredictIds.of(request);
        if (!auth.accepts(authorization)) {
            return ErrorResponses.body(401, "A valid gateway token is required.", List.of(), predictId);
        }
        try {
            return HttpResponse.ok(InstanceInfo.of(service.find(instanceId)));
        } catch (PredictException e) {
            return ErrorResponses.of(e, predictId, 0);
        }
    }
}
