package dev.kiln.db;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded Postgres of the default run as its own process, so the control plane connects to it like to
 * any external database. Prints {@code ready <jdbcUrl>} once it accepts connections and stops it on SIGTERM.
 */
public final class EmbeddedPostgresMain {

    private EmbeddedPostgresMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = null;
        int port = 5432;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (dataDir == null) {
            usage("--data-dir is required");
        }
        EmbeddedDatabase db = EmbeddedDatabase.start(dataDir.toAbsolutePath(), port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            db.close();
            stopped.countDown();
        }, "postgres-stop"));
        System.out.println("ready " + db.jdbcUrl());
        System.out.flush();
        stopped.await();
    }

    private static void usage(String problem) {
        System.err.println("kiln-db: " + problem + " (usage: --data-dir DIR [--port N])");
        System.exit(2);
    }
}
