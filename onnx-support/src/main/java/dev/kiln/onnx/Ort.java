package dev.kiln.onnx;

import ai.onnxruntime.OrtEnvironment;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/** The process-wide ONNX Runtime environment, started once from natives unpacked into a cache directory. */
public final class Ort {
    /**
     * Creating ORT's environment (1.29, Linux) reads the process command line for telemetry and, with a long
     * {@code java -cp ...} line like Kiln's, overflows a default 1 MB thread stack: the JVM dies with SIGSEGV and no
     * hs_err file. A short command line, or a bigger stack, works. So the environment is created on a thread with a
     * roomy stack (reserved, not committed); later calls only reuse the singleton.
     */
    private static final long INIT_STACK_BYTES = 256L << 20;
    private static volatile OrtEnvironment environment;

    private Ort() {
    }

    /** The environment, starting it from natives unpacked once into {@code nativesCache} on first use. */
    public static OrtEnvironment environment(Path nativesCache) {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        synchronized (Ort.class) {
            if (environment == null) {
                OrtNatives.prepare(nativesCache);
                environment = createOnLargeStack();
            }
            return environment;
        }
    }

    /** The environment as started by {@link #environment(Path)}, or started now the same safe way. */
    static OrtEnvironment environment() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        synchronized (Ort.class) {
            if (environment == null) {
                environment = createOnLargeStack();
            }
            return environment;
        }
    }

    private static OrtEnvironment createOnLargeStack() {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread starter = new Thread(null, () -> {
            try {
                result.set(OrtEnvironment.getEnvironment());
            } catch (Throwable e) {
                result.set(e);
            }
        }, "kiln-ort-init", INIT_STACK_BYTES);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
        }
        if (result.get() instanceof OrtEnvironment env) {
            return env;
        }
        throw new IllegalStateException("ONNX Runtime could not start", (Throwable) result.get());
    }
}
