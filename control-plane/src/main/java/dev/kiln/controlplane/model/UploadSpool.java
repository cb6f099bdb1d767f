package dev.kiln.controlplane.model;

import dev.kiln.controlplane.common.ByteBudget;
import dev.kiln.controlplane.common.UnavailableException;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder uploads are written to while they arrive, and the bound on the bytes they hold there together
 * (DESIGN §1: every buffer is bounded, disk included). An upload holds its declared length from the start and grows
 * its hold as a body without one arrives; one that does not fit is a 503 with Retry-After.
 */
@Singleton
class UploadSpool {

    private final Path dir;
    private final ByteBudget budget;

    UploadSpool(UploadLimits limits, UploadConfig uploads) {
        this.dir = limits.spoolDir().isBlank() ? uploads.dataDir().resolve("spool") : Path.of(limits.spoolDir());
        this.budget = new ByteBudget(limits.spoolBytes());
    }

    /** The spool folder, created when missing. */
    Path dir() {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the upload spool " + dir, e);
        }
    }

    /** Holds {@code declaredBytes} (0 when the length is not known yet); 503 when they do not fit. */
    Hold hold(long declaredBytes) {
        ByteBudget.Lease lease = budget.tryAcquire(Math.max(0, declaredBytes));
        if (lease == null) {
            throw full();
        }
        return new Hold(lease, Math.max(0, declaredBytes));
    }

    private UnavailableException full() {
        return new UnavailableException("Too many uploads are in progress; try again shortly.");
    }

    /** One upload's share of the spool; released once it is stored or refused. */
    final class Hold implements AutoCloseable {
        private final ByteBudget.Lease lease;
        private long held;

        private Hold(ByteBudget.Lease lease, long held) {
            this.lease = lease;
            this.held = held;
        }

        /** Makes sure {@code total} bytes are held; 503 when the spool has no room for them. */
        void cover(long total) {
            if (total > held) {
                if (!lease.grow(total - held)) {
                    throw full();
                }
                held = total;
            }
        }

        @Override
        public void close() {
            lease.release();
        }
    }
}
