package dev.kiln.controlplane.people;

import dev.kiln.controlplane.common.Problems;
import io.micronaut.core.annotation.Nullable;

/** The one check of an email address someone types in: trimmed, one {@code @} not first, no spaces or controls. */
final class Emails {

    private static final int MAX = 254;

    private Emails() {
    }

    static String check(@Nullable String raw, Problems problems) {
        String email = raw == null ? "" : raw.trim();
        if (email.isEmpty() || email.length() > MAX || email.indexOf('@') < 1
                || email.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            problems.add("email", "must be an email address", "value_error.email");
        }
        return email;
    }
}
