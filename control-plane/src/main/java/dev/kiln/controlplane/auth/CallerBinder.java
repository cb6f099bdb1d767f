package dev.kiln.controlplane.auth;

import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.UUID;

/** Builds a {@link Caller} from the request's JWT (subject = user id, attribute {@code email}). */
@Singleton
public class CallerBinder implements TypedRequestArgumentBinder<Caller> {

    static final String EMAIL_CLAIM = "email";

    @Override
    public Argument<Caller> argumentType() {
        return Argument.of(Caller.class);
    }

    @Override
    public BindingResult<Caller> bind(ArgumentConversionContext<Caller> context, HttpRequest<?> request) {
        Optional<Caller> caller = callerOf(request);
        return caller.isEmpty() ? BindingResult.unsatisfied() : () -> caller;
    }

    /** The request's authenticated person, for the few filters that decide before a controller runs. */
    public static Optional<Caller> callerOf(HttpRequest<?> request) {
        Optional<Authentication> authentication = request.getUserPrincipal(Authentication.class);
        if (authentication.isEmpty()) {
            return Optional.empty();
        }
        Authentication auth = authentication.get();
        UUID userId;
        try {
            userId = UUID.fromString(auth.getName());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String email = String.valueOf(auth.getAttributes().getOrDefault(EMAIL_CLAIM, ""));
        return Optional.of(new Caller(userId, email, remoteAddress(request)));
    }

    static String remoteAddress(HttpRequest<?> request) {
        return request.getRemoteAddress().getAddress() == null ? request.getRemoteAddress().getHostString()
                : request.getRemoteAddress().getAddress().getHostAddress();
    }
}
