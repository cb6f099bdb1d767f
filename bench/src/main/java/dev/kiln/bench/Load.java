package dev.kiln.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** Closed-loop load: {@code concurrency} platform threads each call, wait for the answer and call again. */
final class Load {
    private Load() {
    }

    /** One call; returns its HTTP status (200 for a raw run). */
    @FunctionalInterface
    interface Call {
        int call() throws Exception;
    }

    /**
     * @param ok       successful calls: count and latency percentiles in ms
     * @param rejected 503s (overload); their own p50 shows how fast a refusal comes back
     * @param failed   any other status or exception
     * @param cpuMs    CPU milliseconds per successful call of each measured process (empty when none is)
     */
    record Result(int concurrency, double seconds, Latencies ok, Latencies rejected, int failed,
                  Map<String, Double> cpuMs) {
        double perSecond() {
            return ok.count() / seconds;
        }

        double cpu(String process) {
            return cpuMs.getOrDefault(process, Double.NaN);
        }
    }

    record Latencies(int count, double p50, double p99) {
        static Latencies of(List<Long> nanos) {
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Latencies(sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.99));
        }

        private static double percentile(long[] sorted, double q) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }
    }

    /** Warms up for {@code warmupSeconds}, then measures for {@code seconds}, with the CPU time {@code cpu} reads. */
    static Result run(Call call, int concurrency, double warmupSeconds, double seconds, ProcessCpu cpu)
            throws InterruptedException {
        if (warmupSeconds > 0) {
            drive(call, concurrency, warmupSeconds);
        }
        Map<String, Double> before = cpu.snapshot();
        Result r = drive(call, concurrency, seconds);
        Map<String, Double> perRequest = ProcessCpu.perRequest(before, cpu.snapshot(), r.ok().count());
        return new Result(r.concurrency(), r.seconds(), r.ok(), r.rejected(), r.failed(), perRequest);
    }

    private static Result drive(Call call, int concurrency, double seconds) throws InterruptedException {
        List<List<Long>> ok = new ArrayList<>();
        List<List<Long>> rejected = new ArrayList<>();
        int[] failed = new int[concurrency];
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(concurrency);
        long started = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            List<Long> mine = new ArrayList<>();
            List<Long> mineRejected = new ArrayList<>();
            ok.add(mine);
            rejected.add(mineRejected);
            int index = t;
            Thread.ofPlatform().daemon().name("bench-client-" + t).start(() -> {
                try {
                    while (!stop.get()) {
                        long begin = System.nanoTime();
                        int status;
                        try {
                            status = call.call();
                        } catch (Exception e) {
                            status = -1;
                        }
                        long took = System.nanoTime() - begin;
                        if (status == 200) {
                            mine.add(took);
                        } else if (status == 503) {
                            mineRejected.add(took);
                        } else {
                            failed[index]++;
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        done.await();
        double elapsed = (System.nanoTime() - started) / 1e9;
        return new Result(concurrency, elapsed, Latencies.of(ok.stream().flatMap(List::stream).toList()),
                Latencies.of(rejected.stream().flatMap(List::stream).toList()), Arrays.stream(failed).sum(), Map.of());
    }
}
