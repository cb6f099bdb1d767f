package dev.kiln.node.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Lets a timed-out request stop its run: a queued run is skipped, a running one is told to terminate, so a slow
 * model does not keep an inference thread busy for an answer nobody waits for any more.
 */
public final class RunControl {
    private volatile boolean cancelled;
    private OrtSession.RunOptions running;

    public boolean cancelled() {
        return cancelled;
    }

    public synchronized void cancel() {
        cancelled = true;
        if (running != null) {
            try {
                running.setTerminate(true);
            } catch (OrtException ignored) {
                // The run finishes on its own; only the thread is held a little longer.
            }
        }
    }

    synchronized boolean attach(OrtSession.RunOptions options) {
        running = options;
        return !cancelled;
    }

    synchronized void detach() {
        running = null;
    }
}
