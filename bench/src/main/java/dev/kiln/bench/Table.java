package dev.kiln.bench;

/** The printed results: Kiln beside raw ONNX Runtime, batched beside unbatched, and the overload row. */
final class Table {
    /** CPU milliseconds per request of each process; node − raw is what the node spends outside ONNX Runtime. */
    private static final String CPU_HEADER = String.format("%7s %7s %7s %7s %7s %9s", "gw ms", "node ms", "pg ms",
            "load ms", "raw ms", "node−raw");
    private final StringBuilder out = new StringBuilder();
    private boolean comparedHeader;
    private boolean batchedHeader;
    private boolean pipelineHeader;

    void compare(String model, int concurrency, Load.Result kiln, Load.Result raw) {
        if (!comparedHeader) {
            comparedHeader = true;
            out.append(String.format("%-20s %4s | %9s %8s %8s | %9s %8s %8s | %6s | %6s | %s%n", "model", "conc",
                    "kiln rps", "p50 ms", "p99 ms", "raw rps", "p50 ms", "p99 ms", "ratio", "errors",
                    CPU_HEADER));
        }
        out.append(String.format("%-20s %4d | %9.1f %8.1f %8.1f | %9.1f %8.1f %8.1f | %6.2f | %6d | %s%n", model,
                concurrency, kiln.perSecond(), kiln.ok().p50(), kiln.ok().p99(), raw.perSecond(), raw.ok().p50(),
                raw.ok().p99(), kiln.perSecond() / raw.perSecond(), kiln.failed() + kiln.rejected().count(),
                cpu(kiln, raw)));
    }

    void pipeline(String model, int concurrency, Load.Result pipeline, Load.Result raw) {
        if (!pipelineHeader) {
            pipelineHeader = true;
            out.append(String.format("%n%-28s %4s | %9s %8s %8s | %8s | %7s %9s%n",
                    "pipeline in-process (no HTTP)", "conc", "rps", "p50 ms", "p99 ms", "÷ raw", "cpu ms", "cpu−raw"));
        }
        out.append(String.format("%-28s %4d | %9.1f %8.1f %8.1f | %8.2f | %7.2f %9.2f%n", model, concurrency,
                pipeline.perSecond(), pipeline.ok().p50(), pipeline.ok().p99(), pipeline.perSecond() / raw.perSecond(),
                pipeline.cpu("raw"), pipeline.cpu("raw") - raw.cpu("raw")));
    }

    void batched(String label, int concurrency, Load.Result batched, Load.Result unbatched, Load.Result raw) {
        if (!batchedHeader) {
            batchedHeader = true;
            out.append(String.format("%n%-28s %4s | %9s %8s %8s | %13s | %8s | %s%n", "dynamic batching", "conc",
                    "kiln rps", "p50 ms", "p99 ms", "÷ unbatched", "÷ raw", "errors"));
        }
        out.append(String.format("%-28s %4d | %9.1f %8.1f %8.1f | %13.2f | %8.2f | %d%n", label, concurrency,
                batched.perSecond(), batched.ok().p50(), batched.ok().p99(),
                batched.perSecond() / unbatched.perSecond(), batched.perSecond() / raw.perSecond(),
                batched.failed() + batched.rejected().count()));
    }

    void overload(String label, Load.Result r) {
        out.append(String.format("%noverload: %s, concurrency %d, %.0f s%n", label, r.concurrency(), r.seconds()));
        out.append(String.format("  200: %6d (%.1f/s)  p50 %8.1f ms  p99 %8.1f ms%n", r.ok().count(), r.perSecond(),
                r.ok().p50(), r.ok().p99()));
        out.append(String.format("  503: %6d (%.1f/s)  p50 %8.1f ms  p99 %8.1f ms%n", r.rejected().count(),
                r.rejected().count() / r.seconds(), r.rejected().p50(), r.rejected().p99()));
        out.append(String.format("  other: %d%n", r.failed()));
    }

    private static String cpu(Load.Result kiln, Load.Result raw) {
        return String.format("%7.2f %7.2f %7.2f %7.2f %7.2f %9.2f", kiln.cpu("gateway"), kiln.cpu("node"),
                kiln.cpu("postgres"), kiln.cpu("load"), raw.cpu("raw"), kiln.cpu("node") - raw.cpu("raw"));
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
