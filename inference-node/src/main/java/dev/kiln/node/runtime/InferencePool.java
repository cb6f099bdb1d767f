package dev.kiln.node.runtime;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool of platform threads every model runs on: never the event loop, never a virtual thread (a native
 * run would pin its carrier). Its queue is bounded by each instance's admission limit, not here.
 */
@Singleton
public final class InferencePool implements Executor {
    private final ThreadPoolExecutor executor;

    public InferencePool(RuntimeConfig config) {
        AtomicInteger counter = new AtomicInteger();
        int threads = config.threads();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "kiln-infer-" + counter.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    public int threads() {
        return executor.getMaximumPoolSize();
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
