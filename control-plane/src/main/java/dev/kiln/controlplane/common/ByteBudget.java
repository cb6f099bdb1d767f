package dev.kiln.controlplane.common;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A global bound on bytes held at once (DESIGN §1: every buffer is bounded): the gateway's request bytes in memory,
 * the model uploads' spool on disk.
 * A request is admitted only while its bytes fit; the caller answers 503 + Retry-After otherwise. Lock-free, so it
 * can be consulted on the event loop.
 */
public final class ByteBudget {

    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    public ByteBudget(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("A byte budget must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    public long capacity() {
        return capacity;
    }

    public long used() {
        return used.get();
    }

    /** A lease of {@code bytes}, or null when they do not fit beside what is already held. */
    public Lease tryAcquire(long bytes) {
        Lease lease = new Lease();
        return lease.grow(bytes) ? lease : null;
    }

    /** Bytes held for one request; grows as a body of unknown length arrives, released once. */
    public final class Lease {
        private final AtomicLong held = new AtomicLong();
        private final AtomicBoolean released = new AtomicBoolean();

        /** Holds {@code bytes} more; false (and nothing more held) when they do not fit. */
        public boolean grow(long bytes) {
            long now = used.get();
            while (true) {
                if (released.get() || now + bytes > capacity) {
                    return false;
                }
                long witness = used.compareAndExchange(now, now + bytes);
                if (witness == now) {
                    held.addAndGet(bytes);
                    if (released.get()) {
                        // released between the check and the count: give these bytes back too, or they leak
                        used.addAndGet(-held.getAndSet(0));
                        return false;
                    }
                    return true;
                }
                now = witness;
            }
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                used.addAndGet(-held.getAndSet(0));
            }
        }
    }
}
