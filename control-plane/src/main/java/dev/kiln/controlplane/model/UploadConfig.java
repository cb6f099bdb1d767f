package dev.kiln.controlplane.model;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where uploads in progress are written (KILN_DATA_DIR/tmp, else a kiln folder in the JVM temp dir) and where
 * ONNX Runtime's natives are cached (KILN_ORT_CACHE, else ~/.cache/kiln/onnxruntime).
 */
@Singleton
public class UploadConfig {

    private final Path dataDir;
    private final Path tempDir;
    private final Path ortCache;

    UploadConfig(@Value("${kiln.data-dir:}") String dataDir, @Value("${kiln.ort-cache:}") String ortCache) {
        this.dataDir = dataDir.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "kiln-uploads")
                : Path.of(dataDir);
        this.tempDir = dataDir.isBlank() ? this.dataDir : this.dataDir.resolve("tmp");
        this.ortCache = ortCache.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "kiln", "onnxruntime")
                : Path.of(ortCache);
    }

    /** KILN_DATA_DIR, else the kiln folder in the JVM temp dir. */
    Path dataDir() {
        return dataDir;
    }

    /** The upload temp directory, created when missing. */
    public Path tempDir() {
        try {
            return Files.createDirectories(tempDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the upload directory " + tempDir, e);
        }
    }

    public Path ortCache() {
        return ortCache;
    }
}
