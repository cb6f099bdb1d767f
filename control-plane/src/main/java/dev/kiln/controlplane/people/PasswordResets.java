package dev.kiln.controlplane.people;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.mail.Mailer;
import dev.kiln.controlplane.people.UserViews.ResetView;
import jakarta.inject.Singleton;

import java.util.UUID;
import java.util.function.Supplier;

/**
 * An operator's password reset: a one-time link by mail when SMTP is configured (sent after the reset's transaction
 * committed, and undone when the send fails), else a temporary password for the operator to hand over.
 */
@Singleton
class PasswordResets {

    /** The outcome: mailed, or the temporary password shown once. */
    sealed interface Outcome permits Mailed, Temporary {
        ResetView view();
    }

    record Mailed() implements Outcome {
        public ResetView view() {
            return new ResetView("email", null);
        }
    }

    record Temporary(String password) implements Outcome {
        public ResetView view() {
            return new ResetView("none", password);
        }
    }

    private final UserWrites writes;
    private final Mailer mailer;

    PasswordResets(UserWrites writes, Mailer mailer) {
        this.writes = writes;
        this.mailer = mailer;
    }

    /** @param linkBase the dashboard's public base URL; asked for only when a mail goes out */
    Outcome reset(Caller caller, UUID userId, Supplier<String> linkBase) {
        if (!mailer.enabled()) {
            return new Temporary(writes.resetToTemporary(caller, userId));
        }
        UserWrites.Reset reset = writes.startReset(caller, userId);
        try {
            mailer.send(reset.user().email(), "Choose a new Kiln password", "An operator started a password reset "
                    + "for your Kiln account " + reset.user().email() + ".\n\nChoose a new password here (the link "
                    + "works once, until " + reset.reset().expiresAt() + "):\n\n" + linkBase.get()
                    + "/#/reset-password/" + reset.token() + "\n", "The reset mail could not be sent, so the "
                    + "password was not reset.");
        } catch (RuntimeException e) {
            writes.discardReset(reset.reset());
            throw e;
        }
        return new Mailed();
    }
}
