package dev.kiln.controlplane.model;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request body as a blocking stream for a worker thread, subscribed on the event loop as the request arrives.
 * <p>
 * It queues chunks up to {@code closedBytes} before {@link #open()} (the upload is not decided yet) and
 * {@code openBytes} after, then stops asking: the server stops reading the socket once its 64 KB read-ahead window
 * is unconsumed (which micronaut.server.max-request-buffer-size must leave room for, see application.yml).
 */
final class BodyPipe extends InputStream implements Subscriber<byte[]> {

    private static final byte[] END = new byte[0];

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final long closedBytes;
    private final long openBytes;
    private final long readTimeoutNanos;
    private Subscription subscription;
    private Throwable failure;
    private long queuedBytes;
    private boolean asking;
    private boolean opened;
    private boolean ended;
    private byte[] current = END;
    private int position;

    private BodyPipe(long closedBytes, long openBytes, long readTimeoutMillis) {
        this.closedBytes = closedBytes;
        this.openBytes = openBytes;
        this.readTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(readTimeoutMillis);
    }

    /** Subscribes to {@code body}, queueing at most {@code closedBytes} of it until {@link #open()}. */
    static BodyPipe of(Publisher<byte[]> body, long closedBytes, long openBytes, long readTimeoutMillis) {
        BodyPipe pipe = new BodyPipe(closedBytes, openBytes, readTimeoutMillis);
        body.subscribe(pipe);
        return pipe;
    }

    /** The request is allowed: the pipe may now queue up to {@code openBytes}. */
    void open() {
        lock.lock();
        try {
            opened = true;
            askIfRoom();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onSubscribe(Subscription s) {
        lock.lock();
        try {
            subscription = s;
            askIfRoom();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onNext(byte[] chunk) {
        lock.lock();
        try {
            asking = false;
            chunks.add(chunk);
            queuedBytes += chunk.length;
            arrived.signalAll();
            askIfRoom();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onError(Throwable t) {
        finish(t);
    }

    @Override
    public void onComplete() {
        finish(null);
    }

    private void finish(Throwable t) {
        lock.lock();
        try {
            failure = t;
            chunks.add(END);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Asks for one more chunk while the queue is under its bound (one request outstanding at a time). */
    private void askIfRoom() {
        if (!asking && subscription != null && !ended && queuedBytes < (opened ? openBytes : closedBytes)) {
            asking = true;
            subscription.request(1);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == current.length) {
            if (!take()) {
                return -1;
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, into, offset, n);
        position += n;
        return n;
    }

    /** The next chunk into {@link #current}; false at the end of the body. */
    private boolean take() throws IOException {
        lock.lock();
        try {
            long wait = readTimeoutNanos;
            while (chunks.isEmpty() && !ended) {
                if (wait <= 0) {
                    throw new IOException("No body bytes arrived for " + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos)
                            + " ms");
                }
                wait = arrived.awaitNanos(wait);
            }
            byte[] next = ended ? END : chunks.poll();
            if (next == END) {
                ended = true;
                if (failure != null) {
                    throw new IOException("The request body failed", failure);
                }
                return false;
            }
            queuedBytes -= next.length;
            current = next;
            position = 0;
            askIfRoom();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while reading the request body");
        } finally {
            lock.unlock();
        }
    }

    /** Stops the body: what has not arrived is not read, what is queued is dropped. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!ended) {
                ended = true;
                chunks.clear();
                queuedBytes = 0;
                if (subscription != null) {
                    subscription.cancel();
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
