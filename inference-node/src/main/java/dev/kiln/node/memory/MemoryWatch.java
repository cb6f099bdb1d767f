package dev.kiln.node.memory;

import dev.kiln.node.runtime.MemoryLimits;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches heap and direct memory after every garbage collection and every {@code checkInterval}, and says whether new
 * work must be refused (DESIGN §1: the node answers 503 before the JVM or the kernel kills it). While under pressure
 * it asks for a collection each interval: an idle node collects nothing by itself, and without a fresh reading it
 * would never see that the pressure is gone.
 */
@Context
public final class MemoryWatch {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryWatch.class);
    private static final String GC_NOTIFICATION = "com.sun.management.gc.notification";
    private final MemoryConfig config;
    private final MemoryLimits limits = MemoryLimits.ofThisJvm();
    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).toList();
    private final BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
    private final NotificationListener afterGc = (notification, handback) -> {
        if (GC_NOTIFICATION.equals(notification.getType())) {
            check();
        }
    };
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("kiln-memory-watch").daemon().factory());
    private volatile boolean underPressure;
    private volatile MemoryPressure.Reading last;

    MemoryWatch(MemoryConfig config, @Nullable MeterRegistry registry) {
        this.config = config;
        this.last = read();
        if (registry != null) {
            gauges(registry);
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(afterGc, null, null);
            }
        }
        long everyMs = Math.max(10, config.checkInterval().toMillis());
        timer.scheduleWithFixedDelay(this::tick, everyMs, everyMs, TimeUnit.MILLISECONDS);
    }

    private void gauges(MeterRegistry registry) {
        Gauge.builder("kiln.node.memory.pressure", () -> underPressure ? 1 : 0)
                .description("1 while the node refuses new requests for lack of memory").register(registry);
        Gauge.builder("kiln.node.memory.heap.after.gc.ratio", () -> last.heapShare())
                .description("share of the heap live after the last garbage collection").register(registry);
        Gauge.builder("kiln.node.memory.direct.ratio", () -> last.directShare())
                .description("share of direct memory in use").register(registry);
    }

    /** Whether new work must be refused now. */
    public boolean underPressure() {
        return underPressure;
    }

    /** Seconds after which a refused client should try again. */
    public int retryAfterSeconds() {
        return (int) Math.max(1, config.checkInterval().toSeconds());
    }

    private void tick() {
        try {
            if (underPressure) {
                ManagementFactory.getMemoryMXBean().gc();
            }
            check();
        } catch (RuntimeException e) {
            LOG.warn("Checking memory failed", e);
        }
    }

    private synchronized void check() {
        MemoryPressure.Reading reading = read();
        last = reading;
        boolean now = MemoryPressure.underPressure(underPressure, reading, config.pressureThreshold());
        if (now != underPressure) {
            underPressure = now;
            LOG.warn("Memory pressure {}: heap after GC {} MB of {} MB, direct {} MB of {} MB; {}",
                    now ? "ON" : "OFF", reading.heapAfterGc() >> 20, reading.maxHeap() >> 20,
                    reading.directUsed() >> 20, reading.maxDirect() >> 20,
                    now ? "refusing new requests with 503" : "accepting requests again");
        }
    }

    private MemoryPressure.Reading read() {
        long live = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage afterGc = pool.getCollectionUsage();
            live += (afterGc != null ? afterGc : pool.getUsage()).getUsed();
        }
        return new MemoryPressure.Reading(live, limits.maxHeap(), direct.getMemoryUsed(), limits.maxDirect());
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                try {
                    emitter.removeNotificationListener(afterGc);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // Not registered on this one.
                }
            }
        }
    }
}
