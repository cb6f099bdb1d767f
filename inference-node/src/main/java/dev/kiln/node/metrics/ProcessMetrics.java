package dev.kiln.node.metrics;

import jakarta.inject.Singleton;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's size and this process's CPU and memory use, for registration and heartbeats. */
@Singleton
public final class ProcessMetrics {
    private static final Path STATUS = Path.of("/proc/self/status");
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public int cpuCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    public long totalMemoryBytes() {
        return os.getTotalMemorySize();
    }

    /** This process's share of the machine's CPU since the last call, 0..100 (negative readings become 0). */
    public double cpuPercent() {
        double load = os.getProcessCpuLoad();
        return load < 0 ? 0 : Math.round(load * 1000) / 10.0;
    }

    /** CPU time this process has used so far, all threads; differences over a window give its CPU share. */
    public long cpuTimeNanos() {
        return Math.max(0, os.getProcessCpuTime());
    }

    /** Resident memory (native included: sessions live outside the heap), from /proc where there is one. */
    public long memoryBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).replace("kB", "").trim();
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // Not Linux: fall back to what the JVM knows.
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
