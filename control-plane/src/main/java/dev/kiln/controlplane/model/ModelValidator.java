package dev.kiln.controlplane.model;

import dev.kiln.onnx.DescriptorOverrides;
import dev.kiln.onnx.InvalidModelException;
import dev.kiln.onnx.ModelInspector;
import dev.kiln.onnx.OrtNatives;
import dev.kiln.protocol.ModelDescriptor;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads an uploaded file with ONNX Runtime once (DESIGN §5) and returns its descriptor.
 *
 * <p>Inspections run on two dedicated platform threads with a large stack: ONNX Runtime's session creation
 * overflows a default 1 MB thread stack (the JVM dies with SIGSEGV, no exception), and virtual threads would
 * run it on a carrier's default stack. Two at a time also bounds the native memory whole models take.
 */
@Singleton
class ModelValidator {

    private static final long STACK_BYTES = 16L * 1024 * 1024;

    private final UploadConfig config;
    private final ExecutorService inspectors;
    private volatile boolean prepared;

    ModelValidator(UploadConfig config) {
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.inspectors = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(null, task, "model-inspector-" + n.incrementAndGet(), STACK_BYTES);
            thread.setDaemon(true);
            return thread;
        });
    }

    ModelDescriptor inspect(Path file, DescriptorOverrides overrides) throws InvalidModelException {
        Future<ModelDescriptor> result = inspectors.submit(() -> {
            prepareNatives();
            return ModelInspector.inspect(file, overrides);
        });
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while inspecting the model", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InvalidModelException invalid) {
                throw invalid;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("Model inspection failed", e.getCause());
        }
    }

    private void prepareNatives() {
        if (!prepared) {
            OrtNatives.prepare(config.ortCache());
            prepared = true;
        }
    }

    @PreDestroy
    void close() {
        inspectors.shutdownNow();
    }
}
