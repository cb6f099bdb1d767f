package dev.kiln.controlplane.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded in-memory pipe from a writer thread to a reader: the writer blocks when {@code capacity} chunks
 * are waiting. Unlike java.io.PipedInputStream it does not care which threads read (the HTTP server reads
 * from whichever pooled thread is free), a writer failure reaches the reader as an IOException, and a reader
 * that gives up (client gone) makes the writer fail instead of blocking forever.
 */
public final class ChunkPipe extends InputStream {

    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks;
    private volatile boolean readerClosed;
    private volatile IOException writerFailure;
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    public ChunkPipe(int capacity) {
        this.chunks = new ArrayBlockingQueue<>(capacity);
    }

    /** The writing end; call {@link Sink#fail} instead of close when the source breaks. */
    public Sink sink() {
        return new Sink();
    }

    public final class Sink extends OutputStream {

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (length > 0) {
                put(Arrays.copyOfRange(bytes, offset, offset + length));
            }
        }

        @Override
        public void close() throws IOException {
            put(END);
        }

        public void fail(Exception cause) {
            writerFailure = new IOException("The stream's source failed: " + cause.getMessage(), cause);
            try {
                put(END); // wakes a waiting reader, which then finds the failure
            } catch (IOException readerGone) {
                // nobody left to tell
            }
        }

        private void put(byte[] chunk) throws IOException {
            try {
                while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                    if (readerClosed) {
                        throw new IOException("The reader went away");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while streaming", e);
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == current.length) {
            if (ended) {
                return -1;
            }
            next();
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }

    private void next() throws IOException {
        try {
            byte[] chunk = chunks.take();
            if (writerFailure != null) {
                throw writerFailure;
            }
            if (chunk == END) {
                ended = true;
            }
            current = chunk;
            position = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while streaming", e);
        }
    }

    @Override
    public void close() {
        readerClosed = true;
        chunks.clear();
    }
}
