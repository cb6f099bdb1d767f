package dev.kiln.controlplane.capture;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;

/**
 * Deletes captures past their group's retention, and those whose deployment is gone, blob then row. One replica at
 * a time does it: the others find the transaction-scoped advisory lock taken and skip the round.
 */
@Singleton
class CaptureRetention {

    /** "kilncapt" as a 64-bit number. */
    private static final long LOCK = 0x6b696c6e63617074L;
    private static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(CaptureRetention.class);

    private final JdbcOperations jdbc;
    private final CaptureStore store;
    private final BlobStore blobs;
    private final Clock clock;

    CaptureRetention(JdbcOperations jdbc, CaptureStore store, BlobStore blobs, Clock clock) {
        this.jdbc = jdbc;
        this.store = store;
        this.blobs = blobs;
        this.clock = clock;
    }

    @Scheduled(fixedDelay = "${kiln.capture.retention-interval:1h}", initialDelay = "1m")
    void run() {
        purge();
    }

    /** @return how many captures were deleted (0 when another replica holds the lock) */
    @Transactional
    int purge() {
        if (!tryLock()) {
            return 0;
        }
        int deleted = 0;
        List<Capture> batch;
        do {
            batch = store.expired(clock.instant(), BATCH);
            for (Capture capture : batch) {
                try {
                    blobs.delete(capture.blobKey());
                } catch (IOException | RuntimeException e) {
                    // Kept for the next round: a row without its blob would be a listed capture without an image.
                    LOG.warn("Could not delete the expired capture image {}: {}", capture.blobKey(), e.toString());
                    return deleted;
                }
                store.delete(capture.id());
                deleted++;
            }
        } while (batch.size() == BATCH);
        if (deleted > 0) {
            LOG.info("Deleted {} expired captures", deleted);
        }
        return deleted;
    }

    private boolean tryLock() {
        return jdbc.prepareStatement("SELECT pg_try_advisory_xact_lock(?)", statement -> {
            statement.setLong(1, LOCK);
            try (ResultSet r = statement.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        });
    }
}
