package dev.kiln.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Postgres server run from the embedded binaries: the default run keeps its data in a directory so a
 * restart keeps everything; tests get a throwaway one on a free port.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";
    private static final String DATABASE = "postgres";

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts (or restarts) Postgres on the given data directory, created when missing, keeping what is there. */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            return new EmbeddedDatabase(builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded Postgres in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** A fresh server on a free port whose data is deleted when it closes. */
    public static EmbeddedDatabase startTemporary() {
        try {
            return new EmbeddedDatabase(builder().start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded Postgres: " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres.Builder builder() {
        return EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(60))
                // Small footprint: Kiln's own connection pools are small, and the default run shares a laptop.
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", "64MB")
                .setServerConfig("fsync", "on");
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl(USER, DATABASE).replace("&user=" + USER, "").replace("?user=" + USER, "");
    }

    public int port() {
        return postgres.getPort();
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
