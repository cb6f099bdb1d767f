package dev.kiln.controlplane.gateway;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The global bound on request bytes the gateway holds in memory at once (DESIGN §1: every buffer is bounded).
 * A request is admitted only while its bytes fit; the caller answers 503 + Retry-After otherwise. Lock-free, so it
 * can be consulted on the event loop.
 */
final class ByteBudget {

    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    ByteBudget(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("The in-flight byte budget must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    long capacity() {
        return capacity;
    }

    long used() {
        return used.get();
    }

    /** A lease of {@code bytes}, or null when they do not fit beside what is already held. */
    Lease tryAcquire(long bytes) {
        Lease lease = new Lease();
        return lease.grow(bytes) ? lease : null;
    }

    /** Bytes held for one request; grows as a body of unknown length arrives, released once. */
    final class Lease {
        private final AtomicLong held = new AtomicLong();
        private final AtomicBoolean released = new AtomicBoolean();

        /** Holds {@code bytes} more; false (and nothing more held) when they do not fit. */
        boolean grow(long bytes) {
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

        void release() {
            if (released.compareAndSet(false, true)) {
                used.addAndGet(-held.getAndSet(0));
            }
        }
    }
}
