package dev.kiln.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU time of named processes from {@code /proc/<pid>/stat} (user + system), so a row can say how many CPU
 * milliseconds each process spent per request. A name may stand for several processes (Postgres' backends).
 */
final class ProcessCpu {
    /** Linux reports {@code utime}/{@code stime} in clock ticks of 1/100 s on every platform Kiln runs on. */
    private static final double MS_PER_TICK = 10.0;

    private final Map<String, Supplier<List<Long>>> processes = new LinkedHashMap<>();

    ProcessCpu add(String name, Supplier<List<Long>> pids) {
        processes.put(name, pids);
        return this;
    }

    /** CPU milliseconds used so far, per name. */
    Map<String, Double> snapshot() {
        Map<String, Double> ms = new LinkedHashMap<>();
        processes.forEach((name, pids) -> ms.put(name, pids.get().stream().mapToDouble(ProcessCpu::cpuMs).sum()));
        return ms;
    }

    /** Per name: CPU ms between the snapshots divided by {@code requests}. */
    static Map<String, Double> perRequest(Map<String, Double> before, Map<String, Double> after, long requests) {
        Map<String, Double> per = new LinkedHashMap<>();
        after.forEach((name, ms) -> per.put(name, requests == 0 ? Double.NaN
                : (ms - before.getOrDefault(name, 0.0)) / requests));
        return per;
    }

    static double cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return 0; // a process that ended has no more CPU to add
        }
    }
}
