package dev.kiln.node.imaging;

import dev.kiln.node.runtime.DirectBufferPool;
import dev.kiln.node.runtime.InputTensor;

/** A filled input tensor and how to map its coordinates back; {@link #close()} returns the buffer to its pool. */
public record PreparedInput(InputTensor tensor, Geometry geometry, DirectBufferPool pool) implements AutoCloseable {
    @Override
    public void close() {
        pool.release(tensor.buffer());
    }
}
