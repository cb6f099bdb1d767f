package dev.kiln.controlplane.model;

import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.common.Times;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Model files in Postgres, content-addressed by SHA-256 and split into chunks so that neither writing nor
 * reading ever holds a whole file in memory.
 */
@Singleton
public class ArtifactStore {

    private final JdbcOperations jdbc;
    private final ArtifactRepository artifacts;
    private final Clock clock;
    private final int chunkSize;

    ArtifactStore(JdbcOperations jdbc, ArtifactRepository artifacts, Clock clock, ArtifactConfig config) {
        this.jdbc = jdbc;
        this.artifacts = artifacts;
        this.clock = clock;
        this.chunkSize = config.chunkSize();
    }

    /** Size in bytes of a stored artifact, empty when there is none with that hash. */
    public Optional<Long> size(String sha256) {
        return artifacts.findById(sha256).map(Artifact::sizeBytes);
    }

    /**
     * Streams the artifact's bytes to {@code out}, one chunk at a time (a cursor with fetch size 1 inside a
     * read-only transaction). Blocking: call it off the event loop.
     *
     * @throws NotFoundException when there is no such artifact
     */
    @ReadOnly
    public void copyTo(String sha256, OutputStream out) {
        Artifact artifact = artifacts.findById(sha256)
                .orElseThrow(() -> new NotFoundException("No artifact " + sha256 + "."));
        long written = jdbc.prepareStatement(
                "SELECT data FROM artifact_chunks WHERE sha256 = ? ORDER BY seq", statement -> {
                    statement.setFetchSize(1);
                    statement.setString(1, sha256);
                    return writeChunks(statement, out);
                });
        if (written != artifact.sizeBytes()) {
            throw new IllegalStateException("Artifact " + sha256 + " has " + written + " bytes stored, expected "
                    + artifact.sizeBytes());
        }
    }

    /**
     * Stores the file unless an artifact with the same content exists, in the caller's transaction, and
     * returns its SHA-256 (lowercase hex). Two concurrent stores of the same content are safe: the second
     * waits on the primary key and then finds the row.
     */
    @Transactional
    public String store(Path file) {
        try {
            return store(file, sha256(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #store(Path)} for a caller that already hashed the file while receiving it. */
    @Transactional
    public String store(Path file, String sha256) {
        try {
            long size = Files.size(file);
            int chunks = (int) ((size + chunkSize - 1) / chunkSize);
            int inserted = jdbc.prepareStatement("""
                    INSERT INTO artifacts (sha256, size_bytes, chunks, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (sha256) DO NOTHING""", statement -> {
                statement.setString(1, sha256);
                statement.setLong(2, size);
                statement.setInt(3, chunks);
                statement.setObject(4, java.sql.Timestamp.from(Times.now(clock)));
                return statement.executeUpdate();
            });
            if (inserted == 1) {
                insertChunks(sha256, file);
            }
            return sha256;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lowercase hex SHA-256 of a file, read in blocks. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = Secrets.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private void insertChunks(String sha256, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            jdbc.prepareStatement("INSERT INTO artifact_chunks (sha256, seq, data) VALUES (?, ?, ?)", statement -> {
                byte[] buffer = new byte[chunkSize];
                int seq = 0;
                int read;
                while ((read = readFully(in, buffer)) > 0) {
                    statement.setString(1, sha256);
                    statement.setInt(2, seq++);
                    statement.setBinaryStream(3, new java.io.ByteArrayInputStream(buffer, 0, read), read);
                    statement.executeUpdate();
                }
                return seq;
            });
        }
    }

    private static int readFully(InputStream in, byte[] buffer) throws SQLException {
        try {
            return in.readNBytes(buffer, 0, buffer.length);
        } catch (IOException e) {
            throw new SQLException("Cannot read the file being stored", e);
        }
    }

    private static long writeChunks(PreparedStatement statement, OutputStream out) throws SQLException {
        long written = 0;
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                byte[] chunk = rows.getBytes(1);
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }
}
