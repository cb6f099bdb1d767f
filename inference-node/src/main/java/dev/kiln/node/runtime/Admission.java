package dev.kiln.node.runtime;

import java.util.concurrent.atomic.AtomicBoolean;

/** A request's place in an instance's bounded queue; closing it (once) frees the place. */
public final class Admission implements AutoCloseable {
    private final ServingInstance instance;
    private final AtomicBoolean released = new AtomicBoolean();

    Admission(ServingInstance instance) {
        this.instance = instance;
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            instance.release();
        }
    }
}
