package dev.kiln.controlplane.stats;

import dev.kiln.protocol.GpuUsage;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A node's usage over one sample (or the mean over a minute's samples). */
record NodeUsage(double cpuPercent, long memoryBytes, List<GpuUsage> gpus) {

    static NodeUsage of(JsonMapper json, double cpuPercent, long memoryBytes, String gpusJson) {
        try {
            List<GpuUsage> gpus = json.readValue(gpusJson, Argument.listOf(GpuUsage.class));
            return new NodeUsage(cpuPercent, memoryBytes, gpus == null ? List.of() : gpus);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each figure averaged over the samples; a GPU over the samples that reported it. */
    static NodeUsage mean(List<NodeUsage> samples) {
        double cpu = samples.stream().mapToDouble(NodeUsage::cpuPercent).average().orElse(0);
        long memory = Math.round(samples.stream().mapToLong(NodeUsage::memoryBytes).average().orElse(0));
        Map<Integer, List<GpuUsage>> byIndex = new TreeMap<>();
        samples.forEach(s -> s.gpus().forEach(g -> byIndex.computeIfAbsent(g.index(), i -> new ArrayList<>()).add(g)));
        List<GpuUsage> gpus = new ArrayList<>();
        byIndex.forEach((index, usages) -> gpus.add(new GpuUsage(index,
                usages.stream().mapToDouble(GpuUsage::utilPercent).average().orElse(0),
                Math.round(usages.stream().mapToLong(GpuUsage::memoryUsedBytes).average().orElse(0)))));
        return new NodeUsage(cpu, memory, gpus);
    }

    String gpusJson(JsonMapper json) {
        try {
            return json.writeValueAsString(gpus);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
