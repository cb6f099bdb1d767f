package dev.kiln.bench.scale;

import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.Assignments;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One inference node as the control plane sees it, without ONNX Runtime: it joins with the join token,
 * long-polls its assignments, and heartbeats on the interval the control plane gave it, reporting every assigned
 * instance READY (a load that takes no time). What it sends is exactly the real node's protocol records.
 */
final class SimulatedNode {
    private static final long MEMORY_BYTES = 64L << 30;

    private final NodeProtocol protocol;
    private final String name;
    private final int cpuCores;
    private final AtomicBoolean stop;
    private volatile NodeCredentials credentials;
    private volatile List<UUID> assigned = List.of();

    SimulatedNode(NodeProtocol protocol, String name, int cpuCores, AtomicBoolean stop) {
        this.protocol = protocol;
        this.name = name;
        this.cpuCores = cpuCores;
        this.stop = stop;
    }

    /** Registers (blocking), then heartbeats and long-polls on virtual threads until {@code stop}. */
    void join() {
        // The gateway never calls a simulated node (no predictions here), so its address only has to be valid.
        NodeRegistration registration = new NodeRegistration(null, name, "http://127.0.0.1:9/" + name, null,
                Map.of("simulated", "true"), cpuCores, MEMORY_BYTES, List.of(), "scale-sim");
        credentials = protocol.register(registration);
        Thread.ofVirtual().name(name + "-heartbeat").start(this::heartbeats);
        Thread.ofVirtual().name(name + "-assignments").start(this::assignments);
    }

    int assignedCount() {
        return assigned.size();
    }

    private void heartbeats() {
        long interval = credentials.heartbeatIntervalMs();
        // Real nodes start at different moments: spread the first beat over one interval.
        sleep(ThreadLocalRandom.current().nextLong(interval));
        long next = System.nanoTime();
        while (!stop.get()) {
            List<InstanceReport> reports = assigned.stream()
                    .map(id -> new InstanceReport(id, InstanceStatus.READY, null, 0)).toList();
            protocol.heartbeat(credentials, new Heartbeat(reports, List.of(), 5.0, 1L << 30, List.of(), List.of()));
            next += Duration.ofMillis(interval).toNanos();
            sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
        }
    }

    private void assignments() {
        long version = -1;
        while (!stop.get()) {
            HttpResponse<String> response = protocol.assignments(credentials, version, 30_000);
            if (response == null || response.statusCode() != 200) {
                sleep(1000);
                continue;
            }
            Assignments current = protocol.read(response.body(), Assignments.class);
            version = current.version();
            assigned = current.instances().stream().map(Assignment::instanceId).toList();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
