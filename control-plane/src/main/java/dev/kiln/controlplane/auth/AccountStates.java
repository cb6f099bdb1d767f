package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.common.UnauthorizedException;
import dev.kiln.controlplane.tenancy.UserRepository;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Whether the account behind a signed-in request may go on, with two primary-key reads: a disabled account, or a
 * token issued before the last password change or logout (users.token_version), is refused at once on every
 * replica; an account with a temporary password may only read itself, change the password, refresh and log out.
 * Blocking: {@link AccountGate} runs it for buffered requests, the model upload (a streamed body, which a blocking
 * filter would make Micronaut buffer) calls {@link #require} itself.
 */
@Singleton
public class AccountStates {

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

    AccountStates(UserRepository users) {
        this.users = users;
    }

    /** The refusal for a signed-in request, or empty when it may go on (or nobody is signed in). */
    Optional<ErrorBody> refusal(HttpRequest<?> request) {
        Optional<Authentication> authentication = request.getUserPrincipal(Authentication.class);
        if (authentication.isEmpty()) {
            return Optional.empty();
        }
        if (ServiceAccountScope.of(authentication.get()).isPresent()) {
            return ServiceAccountLimits.refused(request.getMethod(), request.getPath())
                    ? Optional.of(ErrorBody.of(403, ServiceAccountLimits.REFUSED, List.of(), null)) : Optional.empty();
        }
        UUID userId;
        try {
            userId = UUID.fromString(authentication.get().getName());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Object claim = authentication.get().getAttributes().get(Tokens.VERSION_CLAIM);
        long version = claim instanceof Number n ? n.longValue() : -1;
        return state(userId)
                .map(s -> s.refusal(version, request.getMethod(), request.getPath()))
                .orElseGet(() -> Optional.of(ErrorBody.of(401, ENDED, List.of(), null)));
    }

    /** Throws the refusal as the matching domain exception. */
    public void require(HttpRequest<?> request) {
        refusal(request).ifPresent(body -> {
            throw body.status() == 401 ? new UnauthorizedException(body.message()) : new ForbiddenException(body.message());
        });
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
