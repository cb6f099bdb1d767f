package dev.kiln.controlplane.capture;

import dev.kiln.controlplane.common.ChunkPipe;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.BufferedOutputStream;
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
    private static final int CHUNK_BYTES = 16 * 1024;

    private final CocoExport coco;
    private final Clock clock;
    private final ExecutorService writers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("kiln-capture-export-", 1).factory());

    CaptureExports(CocoExport coco, Clock clock) {
        this.coco = coco;
        this.clock = clock;
    }

    InputStream start(CaptureFilter filter) {
        ChunkPipe pipe = new ChunkPipe(PIPE_BYTES / CHUNK_BYTES);
        ChunkPipe.Sink sink = pipe.sink();
        writers.execute(() -> {
            try {
                // Chunks of 16 KB: the zip writer's many small writes would each be a chunk of their own.
                coco.write(filter, new BufferedOutputStream(sink, CHUNK_BYTES), clock.instant()); // closes it: END
            } catch (IOException | RuntimeException e) {
                LOG.info("Capture export of deployment {} ended early: {}", filter.deploymentId(), e.toString());
                sink.fail(e);
            }
        });
        return pipe;
    }

    @PreDestroy
    void stop() {
        writers.shutdownNow();
    }
}
