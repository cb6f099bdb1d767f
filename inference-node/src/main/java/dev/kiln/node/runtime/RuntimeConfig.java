package dev.kiln.node.runtime;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.nio.file.Path;

/**
 * How models are executed ({@code kiln.node.runtime.*}).
 *
 * @param ortCache         where ONNX Runtime's natives are unpacked once ({@code KILN_ORT_CACHE});
 *                         default {@code ~/.cache/kiln/onnxruntime}
 * @param inferenceThreads platform threads that run models, shared by all instances; 0 = one per core
 * @param intraOpThreads   threads ONNX Runtime may use inside one run; 0 = cores / inference threads, so
 *                         concurrent runs do not oversubscribe the CPU
 * @param allowSpinning    let ORT's worker threads spin between runs (lower latency at one request at a time,
 *                         burnt CPU under concurrency, so off by default)
 */
@ConfigurationProperties("kiln.node.runtime")
public record RuntimeConfig(@Nullable String ortCache,
                            @Bindable(defaultValue = "0") int inferenceThreads,
                            @Bindable(defaultValue = "0") int intraOpThreads,
                            @Bindable(defaultValue = "false") boolean allowSpinning) {

    public int threads() {
        return inferenceThreads > 0 ? inferenceThreads : Runtime.getRuntime().availableProcessors();
    }

    public int intraOp() {
        return intraOpThreads > 0 ? intraOpThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / threads());
    }

    public Path ortCacheDir() {
        return ortCache == null || ortCache.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "kiln", "onnxruntime")
                : Path.of(ortCache);
    }
}
