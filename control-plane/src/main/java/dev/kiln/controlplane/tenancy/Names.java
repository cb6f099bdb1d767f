package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.common.Problems;
import io.micronaut.core.annotation.Nullable;

/**
 * Names of organizations and projects: trimmed, 1 to 200 characters (the column's CHECK), no control
 * characters. Anything else, quotes and SQL-looking text included, is stored verbatim: every query binds it.
 */
final class Names {

    static final int MAX = 200;

    private Names() {
    }

    static String check(@Nullable String raw, Problems problems) {
        String name = raw == null ? "" : raw.trim();
        if (name.isEmpty() || name.length() > MAX) {
            problems.add("name", "must be 1 to " + MAX + " characters", "value_error.name");
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            problems.add("name", "must not contain control characters", "value_error.name");
        }
        return name;
    }
}
