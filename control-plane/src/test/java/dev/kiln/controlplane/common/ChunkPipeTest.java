package dev.kiln.controlplane.common;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkPipeTest {

    @Test
    void bytesArriveInOrderWhateverThreadReads() throws Exception {
        byte[] data = new byte[5_000_000];
        new Random(1).nextBytes(data);
        ChunkPipe pipe = new ChunkPipe(2);
        Thread.ofVirtual().start(() -> {
            try (var sink = pipe.sink()) {
                for (int offset = 0; offset < data.length; offset += 1_000_000) {
                    sink.write(data, offset, 1_000_000);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        // Each read on a fresh thread, as the HTTP server may do; PipedInputStream breaks under this.
        byte[] read = new byte[data.length];
        int total = 0;
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            while (true) {
                int offset = total;
                int n = readers.submit(() -> pipe.read(read, offset, Math.min(300_000, read.length - offset)))
                        .get(10, TimeUnit.SECONDS);
                if (n <= 0) {
                    break;
                }
                total += n;
            }
        }
        assertThat(total).isEqualTo(data.length);
        assertThat(read).isEqualTo(data);
        assertThat(pipe.read()).isEqualTo(-1);
    }

    @Test
    void aWriterFailureReachesTheReader() throws Exception {
        ChunkPipe pipe = new ChunkPipe(2);
        var sink = pipe.sink();
        sink.write(new byte[]{1, 2, 3});
        sink.fail(new IllegalStateException("disk on fire"));

        InputStream in = pipe;
        assertThatThrownBy(() -> in.readNBytes(10)).isInstanceOf(IOException.class).hasMessageContaining("disk on fire");
    }

    @Test
    void aReaderThatLeavesStopsTheWriter() throws Exception {
        ChunkPipe pipe = new ChunkPipe(1);
        CompletableFuture<Throwable> writer = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (var sink = pipe.sink()) {
                for (int i = 0; i < 100; i++) {
                    sink.write(new byte[1000]);
                }
                writer.complete(null);
            } catch (IOException e) {
                writer.complete(e);
            }
        });
        pipe.readNBytes(10);
        pipe.close();

        assertThat(writer.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    }
}
