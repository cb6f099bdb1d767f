package dev.kiln.node.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One instance's requests in flight and its open and ended windows. Every method holds the lock briefly: a request
 * costs a few counter updates and three histogram records under it, never I/O.
 */
final class InstanceStats {
    final UUID instanceId;
    final UUID deploymentId;
    private int inFlight;
    private Window current;
    private final List<Window> ended = new ArrayList<>();

    InstanceStats(UUID instanceId, UUID deploymentId) {
        this.instanceId = instanceId;
        this.deploymentId = deploymentId;
    }

    synchronized void arrived(long windowStart) {
        inFlight++;
        window(windowStart).inFlight(inFlight);
    }

    synchronized void finished(long windowStart, RequestOutcome outcome, boolean evaluation) {
        window(windowStart).record(outcome, evaluation);
        inFlight--;
    }

    /** The window requests at {@code start} count in; a new one ends the current one. */
    private Window window(long start) {
        // A clock stepped back keeps counting into the window that is open rather than reopening a closed one.
        if (current == null || start > current.startMillis) {
            if (current != null) {
                ended.add(current);
            }
            current = new Window(start, inFlight);
        }
        return current;
    }

    /**
     * Hands over the windows that ended before {@code nowWindowStart}. Requests still in flight open the next window
     * at once, so a window in which they were the only ones running still shows them.
     */
    synchronized void takeEnded(long nowWindowStart, List<Window> out) {
        if (current != null && current.startMillis < nowWindowStart) {
            ended.add(current);
            current = inFlight > 0 ? new Window(nowWindowStart, inFlight) : null;
        }
        for (Window w : ended) {
            if (!w.empty()) {
                out.add(w);
            }
        }
        ended.clear();
    }

    synchronized boolean idle() {
        return inFlight == 0 && current == null && ended.isEmpty();
    }
}
