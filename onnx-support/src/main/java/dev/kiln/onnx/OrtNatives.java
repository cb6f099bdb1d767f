package dev.kiln.onnx;

import ai.onnxruntime.OrtEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Unpacks ONNX Runtime's native libraries once into a cache directory and points ONNX Runtime at it, so a JVM
 * start does not extract them again (the CUDA provider alone is 582 MB). The CUDA provider is unpacked only where
 * a GPU is present.
 */
public final class OrtNatives {
    /** The property ONNX Runtime reads to load its libraries from a directory instead of extracting them. */
    public static final String NATIVE_PATH_PROPERTY = "onnxruntime.native.path";
    private static final Logger LOG = LoggerFactory.getLogger(OrtNatives.class);
    private static final String RESOURCE_DIR = "/ai/onnxruntime/native/linux-x64/";
    private static final List<String> CORE = List.of(
            "libonnxruntime.so", "libonnxruntime4j_jni.so", "libonnxruntime_providers_shared.so");
    private static final String CUDA = "libonnxruntime_providers_cuda.so";

    private static Path prepared;

    private OrtNatives() {
    }

    /**
     * Makes sure the libraries are in {@code cacheRoot/<build id>/} and sets {@value #NATIVE_PATH_PROPERTY}.
     * Idempotent; must run before the first use of {@link OrtEnvironment}. Concurrent processes are safe: each
     * file is written under a unique name and moved into place atomically.
     *
     * @return the directory the libraries are loaded from
     */
    public static synchronized Path prepare(Path cacheRoot) {
        if (prepared != null) {
            return prepared;
        }
        if (OrtNatives.class.getResource(RESOURCE_DIR + CORE.getFirst()) == null) {
            // Not linux-x64: leave ONNX Runtime to its own loading.
            return null;
        }
        try {
            Path dir = cacheRoot.toAbsolutePath().resolve(buildId());
            Files.createDirectories(dir);
            List<String> wanted = new ArrayList<>(CORE);
            if (GpuProbe.present()) {
                wanted.add(CUDA);
            }
            for (String name : wanted) {
                unpack(name, dir);
            }
            System.setProperty(NATIVE_PATH_PROPERTY, dir.toString());
            prepared = dir;
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not unpack ONNX Runtime natives into " + cacheRoot, e);
        }
    }

    private static void unpack(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        if (Files.exists(target)) {
            return;
        }
        long started = System.nanoTime();
        Path tmp = Files.createTempFile(dir, name, ".part");
        try (InputStream in = OrtNatives.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IOException("ONNX Runtime jar has no " + name);
            }
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        LOG.info("Unpacked {} into {} in {} ms", name, dir, (System.nanoTime() - started) / 1_000_000);
    }

    /** The ORT build's git commit, so a new ONNX Runtime version unpacks into a new directory. */
    private static String buildId() throws IOException {
        try (InputStream in = OrtEnvironment.class.getResourceAsStream("/GIT_COMMIT_ID")) {
            String commit = in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            return "ort-" + (commit.length() > 12 ? commit.substring(0, 12) : commit);
        }
    }
}
