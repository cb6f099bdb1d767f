package dev.kiln.controlplane.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies of requests sent to a shadow version (DESIGN §7 traffic) once the caller's answer is done: fire and forget,
 * at most {@code kiln.gateway.shadow.max-in-flight} at once per replica (beyond that a copy is dropped and counted),
 * answers discarded, failures only counted. Nothing here can delay or fail the caller.
 */
@Singleton
public class ShadowCalls {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowCalls.class);

    private final NodeForwarder forwarder;
    private final Balancer balancer;
    private final ShadowConfig config;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter sent;
    private final Counter dropped;
    private final Counter failed;

    ShadowCalls(NodeForwarder forwarder, Balancer balancer, ShadowConfig config, MeterRegistry meters) {
        this.forwarder = forwarder;
        this.balancer = balancer;
        this.config = config;
        this.sent = meters.counter("kiln.gateway.shadow.calls", "outcome", "sent");
        this.dropped = meters.counter("kiln.gateway.shadow.calls", "outcome", "dropped");
        this.failed = meters.counter("kiln.gateway.shadow.calls", "outcome", "failed");
    }

    /**
     * Sends {@code body} to the least busy instance of {@code shadow}; {@code release} runs when the copy is done
     * with the body (or dropped). Returns whether it was sent.
     */
    boolean mirror(Route shadow, NodeCall call, byte[] body, String predictId, Runnable release) {
        Optional<Target> target = balancer.pick(shadow.ready(), java.util.Set.of());
        if (target.isEmpty() || inFlight.incrementAndGet() > config.maxInFlight()) {
            if (target.isPresent()) {
                inFlight.decrementAndGet();
            }
            dropped.increment();
            release.run();
            return false;
        }
        balancer.started(target.get());
        sent.increment();
        try {
            forwarder.forward(target.get(), call, body, predictId, Duration.ofMillis(shadow.timeoutMs()))
                    .whenComplete((outcome, error) -> {
                        if (error != null || !(outcome instanceof NodeForwarder.Outcome.Answered answered)
                                || answered.status() >= 500) {
                            failed.increment();
                        }
                        done(target.get(), release);
                    });
        } catch (RuntimeException e) {
            LOG.warn("Shadow copy of {} not sent: {}", predictId, e.toString());
            failed.increment();
            done(target.get(), release);
        }
        return true;
    }

    /** A copy that was not sent (no room for its bytes), counted like one over the in-flight bound. */
    void drop() {
        dropped.increment();
    }

    /** Copies in flight now, and how many were sent and dropped so far on this replica. */
    int inFlight() {
        return inFlight.get();
    }

    long sentCount() {
        return (long) sent.count();
    }

    long droppedCount() {
        return (long) dropped.count();
    }

    private void done(Target target, Runnable release) {
        balancer.finished(target);
        inFlight.decrementAndGet();
        release.run();
    }
}
