package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.audit.Actor;
import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.common.UnauthorizedException;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.util.Map;
import java.util.Optional;

/** Password login, token refresh and logout; both outcomes of a login are audited, failed ones throttled. */
@Singleton
class AuthService {

    private static final String WRONG = "Wrong username or password.";
    private static final String BAD_REFRESH = "The refresh token is invalid or expired; log in again.";

    private final UserRepository users;
    private final Tokens tokens;
    private final AuditLog audit;
    private final LoginThrottle throttle;

    AuthService(UserRepository users, Tokens tokens, AuditLog audit, LoginThrottle throttle) {
        this.users = users;
        this.tokens = tokens;
        this.audit = audit;
        this.throttle = throttle;
    }

    TokenResponse login(@Nullable String username, @Nullable String password, @Nullable String remoteAddress) {
        String name = username == null ? "" : username.trim();
        String secret = password == null ? "" : password;
        // Before the password check: a throttled caller must learn nothing, not even whether a guess was right.
        throttle.check(name, remoteAddress);
        Optional<User> user = name.isEmpty() ? Optional.empty() : users.findByEmailIgnoreCase(name);
        boolean ok = user.isPresent() ? Passwords.matches(secret, user.get().passwordHash()) : Passwords.burn(secret);
        // A disabled account answers exactly like a wrong password: nothing tells a guesser the guess was right.
        if (!ok || user.get().disabledAt() != null) {
            throttle.failed(name, remoteAddress);
            audit.record(new Actor(user.map(User::id).orElse(null), name, remoteAddress), "auth.login_failed",
                    new AuditLog.Target(null, null, "user", user.map(u -> u.id().toString()).orElse(null)), Map.of());
            throw new UnauthorizedException(WRONG);
        }
        throttle.succeeded(name);
        User u = user.get();
        audit.record(new Actor(u.id(), u.email(), remoteAddress), "auth.login",
                new AuditLog.Target(null, null, "user", u.id().toString()), Map.of());
        return tokens.issue(u, users.findTokenVersion(u.id()).orElse(0L));
    }

    TokenResponse refresh(@Nullable String refreshToken) {
        Tokens.Refresh refresh = current(refreshToken).orElseThrow(() -> new UnauthorizedException(BAD_REFRESH));
        User user = users.findById(refresh.userId()).filter(u -> u.disabledAt() == null)
                .orElseThrow(() -> new UnauthorizedException(BAD_REFRESH));
        return tokens.issue(user, refresh.version());
    }

    /**
     * Makes the refresh token unusable, and with it every other refresh token of the user (one version number per
     * user: "log out" means log out everywhere). Quietly does nothing for a token that is already unusable, so
     * logging out twice is not an error.
     */
    @Transactional
    void logout(@Nullable String refreshToken, @Nullable String remoteAddress) {
        current(refreshToken).ifPresent(refresh -> {
            if (users.bumpTokenVersion(refresh.userId(), refresh.version()) > 0) {
                users.findById(refresh.userId()).ifPresent(u -> audit.record(
                        new Actor(u.id(), u.email(), remoteAddress), "auth.logout",
                        new AuditLog.Target(null, null, "user", u.id().toString()), Map.of()));
            }
        });
    }

    /** A signed, unexpired refresh token whose version is still the user's current one. */
    private Optional<Tokens.Refresh> current(@Nullable String refreshToken) {
        return Optional.ofNullable(refreshToken)
                .flatMap(tokens::verifyRefresh)
                .filter(r -> users.findTokenVersion(r.userId()).map(v -> v == r.version()).orElse(false));
    }
}
