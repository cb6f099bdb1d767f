package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.common.Problems;
import io.micronaut.core.annotation.Nullable;

import java.nio.charset.StandardCharsets;

/**
 * What a password someone chooses must be: at least {@link #MIN_LENGTH} characters, and at most bcrypt's
 * {@link #MAX_BYTES} bytes in UTF-8 (bcrypt ignores the rest, so a longer one would be a lie).
 */
public final class PasswordRules {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_BYTES = 72;

    private PasswordRules() {
    }

    /** Adds a problem for {@code field} when the password breaks a rule. */
    public static void check(String field, @Nullable String password, Problems problems) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            problems.add(field, "must be at least " + MIN_LENGTH + " characters", "value_error.password_too_short");
        } else if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            problems.add(field, "must be at most " + MAX_BYTES + " bytes in UTF-8 (bcrypt's limit)",
                    "value_error.password_too_long");
        }
    }
}
