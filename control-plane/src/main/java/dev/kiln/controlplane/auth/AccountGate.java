package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.common.ErrorResponses;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import dev.kiln.controlplane.tenancy.UserRepository;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.authentication.Authentication;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs after micronaut-security has accepted a JWT and checks the account behind it on every management request,
 * with two primary-key reads: a disabled account, or a token issued before the last password change or logout
 * (users.token_version), is refused at once on every replica; an account with a temporary password may only
 * read itself, change the password, refresh and log out (403 otherwise). A service-account token was checked
 * against the database when it was accepted; here it only meets {@link ServiceAccountLimits}.
 */
@ServerFilter("/api/**")
class AccountGate implements Ordered {

    record State(long tokenVersion, boolean mustChangePassword, boolean disabled) {

        /** The refusal for a token issued under {@code version}, for {@code request}; empty when it may pass. */
        Optional<ErrorBody> refusal(long version, HttpMethod method, String path) {
            if (disabled || version != tokenVersion) {
                return Optional.of(ErrorBody.of(401, ENDED, List.of(), null));
            }
            if (mustChangePassword && !allowedWhileTemporary(method, path)) {
                return Optional.of(ErrorBody.of(403, MUST_CHANGE, List.of(), null));
            }
            return Optional.empty();
        }
    }

    static final String ENDED = "This session has ended (password changed, logged out, or account disabled); "
            + "log in again.";
    static final String MUST_CHANGE = "Your password is temporary: change it with POST /api/v1/me/password first.";

    private final UserRepository users;

    AccountGate(UserRepository users) {
        this.users = users;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    HttpResponse<?> check(HttpRequest<?> request) {
        Optional<Authentication> authentication = request.getUserPrincipal(Authentication.class);
        if (authentication.isEmpty()) {
            return null;
        }
        if (ServiceAccountScope.of(authentication.get()).isPresent()) {
            return ServiceAccountLimits.refused(request.getMethod(), request.getPath())
                    ? refuse(request, ErrorBody.of(403, ServiceAccountLimits.REFUSED, List.of(), null)) : null;
        }
        UUID userId;
        try {
            userId = UUID.fromString(authentication.get().getName());
        } catch (IllegalArgumentException e) {
            return null;
        }
        Object claim = authentication.get().getAttributes().get(Tokens.VERSION_CLAIM);
        long version = claim instanceof Number n ? n.longValue() : -1;
        Optional<ErrorBody> refusal = state(userId)
                .map(s -> s.refusal(version, request.getMethod(), request.getPath()))
                .orElseGet(() -> Optional.of(ErrorBody.of(401, ENDED, List.of(), null)));
        return refusal.map(body -> refuse(request, body)).orElse(null);
    }

    private static HttpResponse<?> refuse(HttpRequest<?> request, ErrorBody body) {
        return ErrorResponses.withBody(request, HttpResponse.status(HttpStatus.valueOf(body.status())), body);
    }

    private Optional<State> state(UUID userId) {
        return users.findById(userId).flatMap(u -> users.findTokenVersion(userId)
                .map(version -> new State(version, u.mustChangePassword(), u.disabledAt() != null)));
    }

    private static boolean allowedWhileTemporary(HttpMethod method, String path) {
        return (method == HttpMethod.GET && path.equals("/api/v1/me"))
                || (method == HttpMethod.POST && path.equals("/api/v1/me/password"))
                || path.startsWith("/api/v1/auth/");
    }
}
