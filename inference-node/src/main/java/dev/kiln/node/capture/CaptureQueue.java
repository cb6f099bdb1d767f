package dev.kiln.node.capture;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Captures on their way to the control plane, off the prediction's path: {@link #offer} never blocks (a full queue
 * drops the capture and counts it), and one thread sends them one at a time. Counts are Prometheus metrics of the
 * node ({@code kiln_node_captures_*}).
 */
@Singleton
public class CaptureQueue {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureQueue.class);

    private final BlockingQueue<PendingCapture> queue;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final CaptureSender sender;
    private Thread worker;

    CaptureQueue(CaptureConfig config, CaptureSender sender, @Nullable MeterRegistry registry) {
        this.queue = new ArrayBlockingQueue<>(Math.max(1, config.queueSize()));
        this.maxBytes = config.queueBytes();
        this.sender = sender;
        if (registry != null) {
            Gauge.builder("kiln.node.captures.queued", queue, BlockingQueue::size)
                    .description("captures waiting to be sent to the control plane").register(registry);
            registry.more().counter("kiln.node.captures.sent", java.util.List.of(), sent);
            registry.more().counter("kiln.node.captures.dropped", java.util.List.of(), dropped);
            registry.more().counter("kiln.node.captures.refused", java.util.List.of(), refused);
        }
    }

    /** Queues the capture, or drops and counts it when the queue is full (by count or bytes). */
    public boolean offer(PendingCapture capture) {
        long size = capture.image().length;
        if (bytes.addAndGet(size) > maxBytes) {
            bytes.addAndGet(-size);
            dropped.incrementAndGet();
            return false;
        }
        if (!queue.offer(capture)) {
            bytes.addAndGet(-size);
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Captures dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Captures the control plane stored. */
    public long sent() {
        return sent.get();
    }

    /** Captures the control plane refused (over quota, group gone) or that could not be sent. */
    public long refused() {
        return refused.get();
    }

    @PostConstruct
    void start() {
        worker = Thread.ofVirtual().name("kiln-capture-sender").start(this::drain);
    }

    private void drain() {
        while (!Thread.currentThread().isInterrupted()) {
            PendingCapture capture;
            try {
                capture = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            bytes.addAndGet(-capture.image().length);
            try {
                if (sender.send(capture)) {
                    sent.incrementAndGet();
                } else {
                    refused.incrementAndGet();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                refused.incrementAndGet();
                LOG.warn("A capture of deployment {} was not sent: {}", capture.metadata().deploymentId(),
                        e.toString());
            }
        }
    }

    @PreDestroy
    void stop() {
        if (worker != null) {
            worker.interrupt();
        }
    }
}
