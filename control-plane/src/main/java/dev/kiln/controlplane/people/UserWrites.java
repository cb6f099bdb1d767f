package dev.kiln.controlplane.people;

import dev.kiln.controlplane.audit.Actor;
import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.auth.PasswordRules;
import dev.kiln.controlplane.auth.Passwords;
import dev.kiln.controlplane.common.ConflictException;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.common.SqlErrors;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.people.UserViews.NewUser;
import dev.kiln.controlplane.people.UserViews.UserView;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Operators manage accounts: create them with a temporary password, disable and enable them, reset passwords.
 * One transaction per method; reset mail is sent by {@link UserService} after the commit.
 */
@Singleton
class UserWrites {

    private static final int TOKEN_BYTES = 32;
    private static final int TEMPORARY_PASSWORD_BYTES = 15;

    /** A reset link's token (only here and in the mail) and the user it is for. */
    record Reset(PasswordReset reset, User user, String token) {
    }

    private final UserRepository users;
    private final PasswordResetRepository resets;
    private final AuditLog audit;
    private final InvitationConfig config;
    private final Clock clock;

    UserWrites(UserRepository users, PasswordResetRepository resets, AuditLog audit, InvitationConfig config,
               Clock clock) {
        this.users = users;
        this.resets = resets;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
    }

    List<UserView> list(Caller caller) {
        requireOperator(caller);
        return users.findAllByCreatedAt().stream().map(UserView::of).toList();
    }

    @Transactional
    UserView create(Caller caller, NewUser request) {
        requireOperator(caller);
        Problems problems = new Problems();
        String email = Emails.check(request.email(), problems);
        PasswordRules.check("temporaryPassword", request.temporaryPassword(), problems);
        problems.throwIfAny("The user is not valid.");
        if (users.findByEmailIgnoreCase(email).isPresent()) {
            throw new ConflictException("An account for " + email + " exists already.");
        }
        User user;
        try {
            user = users.save(User.create(UUID.randomUUID(), email, null, Passwords.hash(request.temporaryPassword()),
                    false, true, Times.now(clock)));
        } catch (DataAccessException e) {
            throw SqlErrors.isUniqueViolation(e) ? new ConflictException("An account for " + email
                    + " was created at the same time.") : e;
        }
        audit.record(caller.actor(), "user.create", target(user), Map.of("email", email));
        return UserView.of(user);
    }

    /** Disabling ends every session of the user at once (token_version); an operator cannot disable themself. */
    @Transactional
    UserView setDisabled(Caller caller, UUID userId, boolean disabled) {
        requireOperator(caller);
        User user = users.findById(userId).orElseThrow(() -> new NotFoundException("No user " + userId + "."));
        if (disabled && user.id().equals(caller.userId())) {
            throw new ConflictException("You cannot disable your own account.");
        }
        Instant at = disabled ? Times.now(clock) : null;
        users.setDisabledAt(userId, at);
        audit.record(caller.actor(), disabled ? "user.disable" : "user.enable", target(user),
                Map.of("email", user.email()));
        return UserView.of(users.findById(userId).orElseThrow());
    }

    /** Without mail: a new temporary password, shown once, that must be changed at the next sign-in. */
    @Transactional
    String resetToTemporary(Caller caller, UUID userId) {
        User user = resettable(caller, userId);
        String temporary = Secrets.randomBase64Url(TEMPORARY_PASSWORD_BYTES);
        users.changePassword(userId, Passwords.hash(temporary), true);
        audit.record(caller.actor(), "user.password_reset", target(user), Map.of("delivery", "none"));
        return temporary;
    }

    /** With mail: a one-time link (earlier unused ones of the user stop working). */
    @Transactional
    Reset startReset(Caller caller, UUID userId) {
        User user = resettable(caller, userId);
        Instant now = Times.now(clock);
        resets.cancelFor(userId, now);
        String token = Secrets.randomBase64Url(TOKEN_BYTES);
        PasswordReset reset = resets.save(new PasswordReset(UUID.randomUUID(), userId, Secrets.sha256Hex(token),
                now.plus(config.ttl()), now, null));
        audit.record(caller.actor(), "user.password_reset", target(user), Map.of("delivery", "email"));
        return new Reset(reset, user, token);
    }

    @Transactional
    void discardReset(PasswordReset reset) {
        resets.deleteById(reset.id());
    }

    /** Anonymous: the link's token sets the password the user chose; every session of theirs ends. */
    @Transactional
    void finishReset(@Nullable String token, @Nullable String newPassword) {
        Problems problems = new Problems();
        PasswordRules.check("newPassword", newPassword, problems);
        problems.throwIfAny("The new password is not valid.");
        Instant now = Times.now(clock);
        PasswordReset reset = token == null || token.isBlank() ? null
                : resets.lockUsable(Secrets.sha256Hex(token), now).orElse(null);
        User user = reset == null ? null : users.findById(reset.userId()).orElse(null);
        if (user == null) {
            throw new NotFoundException("No such reset link, or it has expired or been used.");
        }
        resets.markUsed(reset.id(), now);
        users.changePassword(user.id(), Passwords.hash(newPassword), false);
        audit.record(new Actor(user.id(), user.email(), null), "user.password_reset_done",
                target(user), Map.of());
    }

    private User resettable(Caller caller, UUID userId) {
        requireOperator(caller);
        return users.findById(userId).orElseThrow(() -> new NotFoundException("No user " + userId + "."));
    }

    private void requireOperator(Caller caller) {
        if (!users.findById(caller.userId()).map(User::operator).orElse(false)) {
            throw new ForbiddenException("Only operators manage accounts.");
        }
    }

    private static AuditLog.Target target(User user) {
        return new AuditLog.Target(null, null, "user", user.id().toString());
    }
}
