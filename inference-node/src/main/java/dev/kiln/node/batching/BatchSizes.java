package dev.kiln.node.batching;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** How many runs an instance made of each batch size: what batching actually achieved under the real load. */
public final class BatchSizes {
    private final Map<Integer, LongAdder> runs = new ConcurrentHashMap<>();

    public void record(int size) {
        runs.computeIfAbsent(size, s -> new LongAdder()).increment();
    }

    /** Batch size → number of runs of that size. */
    public SortedMap<Integer, Long> snapshot() {
        SortedMap<Integer, Long> out = new TreeMap<>();
        runs.forEach((size, count) -> out.put(size, count.sum()));
        return out;
    }
}
