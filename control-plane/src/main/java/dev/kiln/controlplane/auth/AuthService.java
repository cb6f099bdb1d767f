package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.audit.Actor;
import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.common.UnauthorizedException;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.Optional;

/** Password login and token refresh; both outcomes of a login are audited. */
@Singleton
class AuthService {

    private static final String WRONG = "Wrong username or password.";

    private final UserRepository users;
    private final Tokens tokens;
    private final AuditLog audit;

    AuthService(UserRepository users, Tokens tokens, AuditLog audit) {
        this.users = users;
        this.tokens = tokens;
        this.audit = audit;
    }

    TokenResponse login(@Nullable String username, @Nullable String password, @Nullable String remoteAddress) {
        String name = username == null ? "" : username.trim();
        String secret = password == null ? "" : password;
        Optional<User> user = name.isEmpty() ? Optional.empty() : users.findByEmailIgnoreCase(name);
        boolean ok = user.isPresent() ? Passwords.matches(secret, user.get().passwordHash()) : Passwords.burn(secret);
        if (!ok) {
            audit.record(new Actor(user.map(User::id).orElse(null), name, remoteAddress), "auth.login_failed",
                    new AuditLog.Target(null, null, "user", user.map(u -> u.id().toString()).orElse(null)), Map.of());
            throw new UnauthorizedException(WRONG);
        }
        User u = user.get();
        audit.record(new Actor(u.id(), u.email(), remoteAddress), "auth.login",
                new AuditLog.Target(null, null, "user", u.id().toString()), Map.of());
        return tokens.issue(u);
    }

    TokenResponse refresh(@Nullable String refreshToken) {
        return Optional.ofNullable(refreshToken)
                .flatMap(tokens::verifyRefresh)
                .flatMap(users::findById)
                .map(tokens::issue)
                .orElseThrow(() -> new UnauthorizedException("The refresh token is invalid or expired; log in again."));
    }
}
