package dev.kiln.node.imaging;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Decoded pixels the node holds at once. A request takes its image's pixel count before decoding and gives it back
 * when the pixels are released. Waiters are served first come, first served: a large image at the head is not
 * overtaken by a stream of small ones, so it cannot starve; those behind it wait (bounded by their own timeout).
 */
public final class PixelBudget {
    private final long capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private long available;

    public PixelBudget(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.available = capacity;
    }

    /** What {@link #acquire} gives: the pixels, a refusal because they can never fit, or a wait that ran out. */
    public sealed interface Outcome {
    }

    /** Holds {@code pixels}; close it (once, from any thread) to give them back. */
    public record Granted(Permit permit) implements Outcome {
    }

    /** The image alone is larger than the whole budget. */
    public record TooLarge(long capacity) implements Outcome {
    }

    /** The budget stayed exhausted for the whole wait. */
    public record TimedOut() implements Outcome {
    }

    public long capacity() {
        return capacity;
    }

    public long available() {
        lock.lock();
        try {
            return available;
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting for pixels now. */
    public int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code pixels}, waiting up to {@code maxWaitNanos} behind earlier requests. An interrupted waiter leaves
     * the queue and rethrows.
     */
    public Outcome acquire(long pixels, long maxWaitNanos) throws InterruptedException {
        if (pixels > capacity) {
            return new TooLarge(capacity);
        }
        Object ticket = new Object();
        long deadline = System.nanoTime() + Math.max(0, maxWaitNanos);
        lock.lock();
        try {
            queue.addLast(ticket);
            while (queue.peekFirst() != ticket || available < pixels) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    leave(ticket);
                    return new TimedOut();
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    leave(ticket);
                    throw e;
                }
            }
            queue.removeFirst();
            available -= pixels;
            // The next in line may fit in what is left.
            changed.signalAll();
            return new Granted(new Permit(this, pixels));
        } finally {
            lock.unlock();
        }
    }

    private void leave(Object ticket) {
        queue.remove(ticket);
        changed.signalAll();
    }

    private void release(long pixels) {
        lock.lock();
        try {
            available += pixels;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Pixels held from a budget; closing twice gives them back once. */
    public static final class Permit implements AutoCloseable {
        private final PixelBudget budget;
        private final long pixels;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(PixelBudget budget, long pixels) {
            this.budget = budget;
            this.pixels = pixels;
        }

        public long pixels() {
            return pixels;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                budget.release(pixels);
            }
        }
    }
}
