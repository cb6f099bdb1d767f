package dev.kiln.controlplane.capture;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs each export on its own virtual thread, writing into a pipe that the response reads: the zip is never whole
 * in memory, and a client that stops reading stops the writer (the pipe breaks).
 */
@Singleton
class CaptureExports {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureExports.class);
    private static final int PIPE_BYTES = 256 * 1024;

    private final CocoExport coco;
    private final Clock clock;
    private final ExecutorService writers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("kiln-capture-export-", 1).factory());

    CaptureExports(CocoExport coco, Clock clock) {
        this.coco = coco;
        this.clock = clock;
    }

    InputStream start(CaptureFilter filter) {
        PipedInputStream in = new PipedInputStream(PIPE_BYTES);
        PipedOutputStream out;
        try {
            out = new PipedOutputStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writers.execute(() -> {
            try (out) {
                coco.write(filter, out, clock.instant());
            } catch (IOException | RuntimeException e) {
                LOG.info("Capture export of deployment {} ended early: {}", filter.deploymentId(), e.toString());
            }
        });
        return in;
    }

    @PreDestroy
    void stop() {
        writers.shutdownNow();
    }
}
