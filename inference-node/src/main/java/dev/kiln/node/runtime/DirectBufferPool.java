package dev.kiln.node.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Reuses direct buffers for input tensors: allocating (and zeroing) megabytes of direct memory per request costs
 * more than filling them, and direct memory is only given back when the GC gets round to it.
 */
public final class DirectBufferPool {
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private final int maxPooled;

    public DirectBufferPool(int maxPooled) {
        this.maxPooled = maxPooled;
    }

    /** A native-order buffer with position 0 and limit {@code bytes}. */
    public ByteBuffer acquire(int bytes) {
        synchronized (free) {
            for (Iterator<ByteBuffer> it = free.iterator(); it.hasNext(); ) {
                ByteBuffer candidate = it.next();
                if (candidate.capacity() >= bytes) {
                    it.remove();
                    return candidate.clear().limit(bytes).order(ByteOrder.nativeOrder());
                }
            }
        }
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    /** Gives a buffer back; when the pool is full the smallest one is dropped, so big inputs keep finding room. */
    public void release(ByteBuffer buffer) {
        if (buffer == null || !buffer.isDirect()) {
            return;
        }
        synchronized (free) {
            free.addLast(buffer);
            if (free.size() > maxPooled) {
                ByteBuffer smallest = free.stream()
                        .min(java.util.Comparator.comparingInt(ByteBuffer::capacity)).orElseThrow();
                free.removeIf(b -> b == smallest);
            }
        }
    }
}
