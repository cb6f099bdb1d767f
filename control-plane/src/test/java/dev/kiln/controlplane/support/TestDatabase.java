package dev.kiln.controlplane.support;

import dev.kiln.db.EmbeddedDatabase;

/** One real Postgres per test JVM, shared by every test class (each class brings its own application context). */
public final class TestDatabase {

    private static EmbeddedDatabase database;

    private TestDatabase() {
    }

    public static synchronized EmbeddedDatabase get() {
        if (database == null) {
            database = EmbeddedDatabase.startTemporary();
            Runtime.getRuntime().addShutdownHook(new Thread(database::close, "embedded-postgres-stop"));
        }
        return database;
    }
}
