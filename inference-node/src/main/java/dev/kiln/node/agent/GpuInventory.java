package dev.kiln.node.agent;

import dev.kiln.onnx.GpuProbe;
import dev.kiln.protocol.GpuInfo;
import dev.kiln.protocol.GpuUsage;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The node's GPUs as the driver reports them (nvidia-smi, only where a GPU device exists), or as configured in
 * {@code kiln.node.gpus} ({@code name:memoryMiB} each).
 */
@Singleton
public final class GpuInventory {
    private static final Logger LOG = LoggerFactory.getLogger(GpuInventory.class);
    private static final long MIB = 1024L * 1024;
    private final NodeConfig config;

    public GpuInventory(NodeConfig config) {
        this.config = config;
    }

    public List<GpuInfo> gpus() {
        if (config.gpus() != null) {
            return configured(config.gpus());
        }
        return GpuProbe.present() ? query() : List.of();
    }

    /**
     * Each GPU's utilization and memory in use now, from nvidia-smi; empty without a GPU device, and for configured
     * GPUs, which the driver knows nothing about.
     */
    public List<GpuUsage> usage() {
        if (config.gpus() != null || !GpuProbe.present()) {
            return List.of();
        }
        return nvidiaSmi("--query-gpu=index,utilization.gpu,memory.used").map(GpuInventory::parseUsage)
                .orElse(List.of());
    }

    /** Lines of {@code index, utilization %, memory used MiB}; GPUs the driver gives no figures for are left out. */
    static List<GpuUsage> parseUsage(String csv) {
        List<GpuUsage> usage = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            String[] f = line.split(",");
            if (f.length < 3) {
                continue;
            }
            try {
                usage.add(new GpuUsage(Integer.parseInt(f[0].trim()), Double.parseDouble(f[1].trim()),
                        Long.parseLong(f[2].trim()) * MIB));
            } catch (NumberFormatException ignored) {
                // "[N/A]" or "[Not Supported]" (MIG, some drivers) or not a data line.
            }
        }
        return List.copyOf(usage);
    }

    static List<GpuInfo> configured(List<String> entries) {
        List<GpuInfo> gpus = new ArrayList<>();
        for (String entry : entries) {
            if (entry == null || entry.isBlank() || entry.trim().equalsIgnoreCase("none")) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            String name = colon < 0 ? entry.trim() : entry.substring(0, colon).trim();
            long memory = colon < 0 ? 0 : Long.parseLong(entry.substring(colon + 1).trim()) * MIB;
            gpus.add(new GpuInfo(gpus.size(), name, memory, null));
        }
        return List.copyOf(gpus);
    }

    private static List<GpuInfo> query() {
        return nvidiaSmi("--query-gpu=index,name,memory.total,uuid").map(GpuInventory::parse).orElse(List.of());
    }

    private static Optional<String> nvidiaSmi(String query) {
        try {
            Process p = new ProcessBuilder("nvidia-smi", query, "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                LOG.warn("nvidia-smi failed: {}", out.trim());
                return Optional.empty();
            }
            return Optional.of(out);
        } catch (IOException e) {
            LOG.warn("A GPU device exists but nvidia-smi could not run: {}", e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Lines of {@code index, name, memory MiB, uuid}. */
    static List<GpuInfo> parse(String csv) {
        List<GpuInfo> gpus = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            String[] f = line.split(",");
            if (f.length < 3) {
                continue;
            }
            try {
                gpus.add(new GpuInfo(Integer.parseInt(f[0].trim()), f[1].trim(),
                        Long.parseLong(f[2].trim()) * MIB, f.length > 3 ? f[3].trim() : null));
            } catch (NumberFormatException ignored) {
                // Not a data line.
            }
        }
        return List.copyOf(gpus);
    }
}
