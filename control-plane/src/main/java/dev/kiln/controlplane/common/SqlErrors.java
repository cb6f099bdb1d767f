package dev.kiln.controlplane.common;

import java.sql.SQLException;

/** Recognizes constraint violations so a race past a pre-check still ends as a clean 409. */
public final class SqlErrors {

    private SqlErrors() {
    }

    public static boolean isUniqueViolation(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
