package dev.kiln.controlplane.auth;

import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.UUID;

/**
 * Builds a {@link Caller} from the request's JWT (subject = user id, attribute {@code email}) or from a
 * service-account token's {@link ServiceAccountScope}.
 */
@Singleton
class CallerBinder implements TypedRequestArgumentBinder<Caller> {

    static final String EMAIL_CLAIM = "email";

    private final ClientAddress clientAddress;

    CallerBinder(ClientAddress clientAddress) {
        this.clientAddress = clientAddress;
    }

    @Override
    public Argument<Caller> argumentType() {
        return Argument.of(Caller.class);
    }

    @Override
    public BindingResult<Caller> bind(ArgumentConversionContext<Caller> context, HttpRequest<?> request) {
        Optional<Authentication> authentication = request.getUserPrincipal(Authentication.class);
        if (authentication.isEmpty()) {
            return BindingResult.unsatisfied();
        }
        Authentication auth = authentication.get();
        Optional<ServiceAccountScope> scope = ServiceAccountScope.of(auth);
        if (scope.isPresent()) {
            Caller account = Caller.of(scope.get(), clientAddress.of(request));
            return () -> Optional.of(account);
        }
        UUID userId;
        try {
            userId = UUID.fromString(auth.getName());
        } catch (IllegalArgumentException e) {
            return BindingResult.unsatisfied();
        }
        String email = String.valueOf(auth.getAttributes().getOrDefault(EMAIL_CLAIM, ""));
        Caller caller = new Caller(userId, email, clientAddress.of(request));
        return () -> Optional.of(caller);
    }

}
