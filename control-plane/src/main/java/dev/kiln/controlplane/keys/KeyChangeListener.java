package dev.kiln.controlplane.keys;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Brings other replicas' key changes (rotation, revocation) to this replica's {@link KeyVerifier} within about a
 * second: project_keys has a trigger that does {@code NOTIFY kiln_keys} in the changing transaction (V9), and this
 * bean LISTENs on a dedicated connection. The connection is its own, not a pool one, because LISTEN is session
 * state a pool would hand to others, and a listener holds it forever. The wait runs on a platform thread: the
 * driver's getNotifications blocks in a socket read, which would pin a virtual thread's carrier anyway.
 * The verifier's periodic resync stays as the safety net for notifications lost while reconnecting.
 */
@Singleton
class KeyChangeListener {

    private static final Logger LOG = LoggerFactory.getLogger(KeyChangeListener.class);
    static final String CHANNEL = "kiln_keys";
    private static final int WAIT_MS = 1000;
    private static final long MAX_BACKOFF_MS = 10_000;

    private final KeyVerifier verifier;
    private final String url;
    private final String user;
    private final String password;
    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile Connection connection;

    KeyChangeListener(KeyVerifier verifier,
                      @Value("${datasources.default.url}") String url,
                      @Value("${datasources.default.username}") String user,
                      @Value("${datasources.default.password}") String password) {
        this.verifier = verifier;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        Thread t = Thread.ofPlatform().daemon().name("kiln-keys-listener").unstarted(this::loop);
        thread = t;
        t.start();
    }

    private void loop() {
        long backoff = 200;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, user, password)) {
                connection = c;
                try (Statement statement = c.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                // Anything committed while we were not listening (startup, reconnect) would otherwise wait for
                // the periodic resync.
                verifier.reload();
                backoff = 200;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MS);
                    if (notifications != null && notifications.length > 0) {
                        verifier.reload();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("Listening for key changes failed, reconnecting in {} ms: {}", backoff, e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            } finally {
                connection = null;
            }
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        Thread t = thread;
        Connection c = connection;
        if (c != null) {
            try {
                c.close(); // unblocks getNotifications at once instead of after its timeout
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(WAIT_MS * 3L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
