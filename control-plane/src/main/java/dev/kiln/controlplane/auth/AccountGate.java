package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.common.ErrorResponses;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterPatternStyle;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * Runs after micronaut-security has accepted a JWT and checks the account behind it on every management request
 * ({@link AccountStates}). Not on the model upload: while a blocking filter runs, Micronaut buffers the arriving
 * body, and an upload is far larger than the request buffer; its controller checks the account itself.
 */
// Regex: every /api/ path but the model upload and the evaluation (an image body, checked in its controller).
@ServerFilter(patternStyle = FilterPatternStyle.REGEX,
        value = "^/api/(?!v1/models/[^/]+/versions$|v1/deployments/[^/]+/evaluate$).*")
class AccountGate implements Ordered {

    private final AccountStates states;

    AccountGate(AccountStates states) {
        this.states = states;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    HttpResponse<?> check(HttpRequest<?> request) {
        return states.refusal(request).map(body -> ErrorResponses.withBody(request,
                HttpResponse.status(HttpStatus.valueOf(body.status())), body)).orElse(null);
    }
}
