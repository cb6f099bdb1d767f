package dev.kiln.node.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Model files by content: {@code <dir>/<sha256>.onnx}. A download goes to a temporary file that is moved into place
 * only once its SHA-256 matches, so a half-written or tampered file is never served; a cached file is verified once
 * per process before it is trusted.
 */
public final class ModelCache {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private final Path dir;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public ModelCache(Path dir) {
        this.dir = dir;
    }

    /** Opens the artifact's bytes (the download). */
    @FunctionalInterface
    public interface Source {
        InputStream open(String sha256) throws IOException;
    }

    /**
     * The verified file for {@code sha256}, downloading it from {@code source} when missing or corrupt.
     *
     * @throws ArtifactMismatchException when the downloaded bytes do not have that hash
     */
    public Path obtain(String sha256, Source source) throws IOException {
        String sha = normalize(sha256);
        synchronized (locks.computeIfAbsent(sha, k -> new Object())) {
            Path target = path(sha);
            if (verified.contains(sha) && Files.isRegularFile(target)) {
                return target;
            }
            if (Files.isRegularFile(target) && sha.equals(hash(target))) {
                verified.add(sha);
                return target;
            }
            Files.deleteIfExists(target);
            download(sha, source, target);
            verified.add(sha);
            return target;
        }
    }

    public Path path(String sha256) {
        return dir.resolve(normalize(sha256) + ".onnx");
    }

    private void download(String sha, Source source, Path target) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, sha, ".part");
        try {
            MessageDigest digest = sha256();
            try (InputStream in = new DigestInputStream(source.open(sha), digest);
                 OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha)) {
                throw new ArtifactMismatchException("the downloaded model has SHA-256 " + actual + ", not " + sha);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String hash(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Lower-case hex; anything else is refused, so a hash can never name a path outside the cache. */
    private static String normalize(String sha256) {
        String sha = sha256 == null ? "" : sha256.trim().toLowerCase(java.util.Locale.ROOT);
        if (!SHA256.matcher(sha).matches()) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
        return sha;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
