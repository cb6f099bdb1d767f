package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.common.UnauthorizedException;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.util.Map;

/** A signed-in person changes their own password; wrong current passwords count against the login throttle. */
@Singleton
class PasswordService {

    private final UserRepository users;
    private final Tokens tokens;
    private final LoginThrottle throttle;
    private final AuditLog audit;

    PasswordService(UserRepository users, Tokens tokens, LoginThrottle throttle, AuditLog audit) {
        this.users = users;
        this.tokens = tokens;
        this.throttle = throttle;
        this.audit = audit;
    }

    @Transactional
    TokenResponse change(Caller caller, @Nullable String currentPassword, @Nullable String newPassword) {
        User user = users.findById(caller.userId()).orElseThrow(() -> new UnauthorizedException(AccountGate.ENDED));
        throttle.check(user.email(), caller.remoteAddress());
        if (currentPassword == null || !Passwords.matches(currentPassword, user.passwordHash())) {
            throttle.failed(user.email(), caller.remoteAddress());
            throw new ForbiddenException("The current password is wrong.");
        }
        Problems problems = new Problems();
        PasswordRules.check("newPassword", newPassword, problems);
        problems.throwIfAny("The new password is not valid.");
        users.changePassword(user.id(), Passwords.hash(newPassword), false);
        audit.record(caller.actor(), "user.password_change", new AuditLog.Target(null, null, "user",
                user.id().toString()), Map.of());
        return tokens.issue(user, users.findTokenVersion(user.id()).orElseThrow());
    }
}
