package dev.kiln.node.agent;

import dev.kiln.node.metrics.ProcessMetrics;
import dev.kiln.node.metrics.StatsWindows;
import dev.kiln.protocol.NodeSample;
import jakarta.inject.Singleton;

import java.time.Instant;

/**
 * The node's usage over each stats window: process CPU as CPU time used over wall time elapsed since the previous
 * sample (all cores = 100 %), resident memory and the GPUs' utilization and memory at the window's end.
 */
@Singleton
final class NodeSampler {
    private final ProcessMetrics process;
    private final GpuInventory gpus;
    private long lastCpuNanos;
    private long lastWallNanos;

    NodeSampler(ProcessMetrics process, GpuInventory gpus) {
        this.process = process;
        this.gpus = gpus;
        this.lastCpuNanos = process.cpuTimeNanos();
        this.lastWallNanos = System.nanoTime();
    }

    synchronized NodeSample sample(Instant windowStart) {
        long cpu = process.cpuTimeNanos();
        long wall = System.nanoTime();
        long elapsed = Math.max(1, wall - lastWallNanos);
        double percent = cpuPercent(cpu - lastCpuNanos, elapsed, process.cpuCores());
        lastCpuNanos = cpu;
        lastWallNanos = wall;
        return new NodeSample(windowStart, StatsWindows.SECONDS, percent, process.memoryBytes(), gpus.usage());
    }

    /** Share of the machine's CPU, 0..100, to one decimal. */
    static double cpuPercent(long cpuNanos, long wallNanos, int cores) {
        double share = Math.max(0, cpuNanos) / ((double) wallNanos * Math.max(1, cores));
        return Math.round(Math.min(1, share) * 1000) / 10.0;
    }
}
