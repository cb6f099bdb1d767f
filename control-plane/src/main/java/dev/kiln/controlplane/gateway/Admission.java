package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.keys.VerifiedKey;
import io.micronaut.http.HttpResponse;

/** The outcome of the checks every keyed data-plane call goes through (key, deployment, scope, rate). */
sealed interface Admission {
    record Admitted(Route route, VerifiedKey key) implements Admission {
    }

    record Refused(HttpResponse<?> response) implements Admission {
    }
}
