package dev.kiln.node.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelCacheTest {
    private final byte[] model = "pretend these are model bytes".getBytes();
    private final String sha = sha256(model);

    @Test
    void downloadsOnceVerifiedThenServesFromDisk(@TempDir Path dir) throws IOException {
        ModelCache cache = new ModelCache(dir);
        AtomicInteger downloads = new AtomicInteger();
        ModelCache.Source source = s -> {
            downloads.incrementAndGet();
            return new ByteArrayInputStream(model);
        };
        Path file = cache.obtain(sha, source);
        assertThat(file).isEqualTo(dir.resolve(sha + ".onnx"));
        assertThat(Files.readAllBytes(file)).isEqualTo(model);
        assertThat(cache.obtain(sha, source)).isEqualTo(file);
        // A new process trusts the file only after hashing it, and does not download again.
        assertThat(new ModelCache(dir).obtain(sha, source)).isEqualTo(file);
        assertThat(downloads).hasValue(1);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void corruptCachedFileIsReplaced(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve(sha + ".onnx"), "corrupt".getBytes());
        Path file = new ModelCache(dir).obtain(sha, s -> new ByteArrayInputStream(model));
        assertThat(Files.readAllBytes(file)).isEqualTo(model);
    }

    @Test
    void mismatchingDownloadLeavesNothing(@TempDir Path dir) throws IOException {
        ModelCache cache = new ModelCache(dir);
        assertThatThrownBy(() -> cache.obtain(sha, s -> new ByteArrayInputStream("other bytes".getBytes())))
                .isInstanceOf(ArtifactMismatchException.class);
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void hashesThatAreNotSha256AreRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> new ModelCache(dir).obtain("../../etc/passwd", s -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
