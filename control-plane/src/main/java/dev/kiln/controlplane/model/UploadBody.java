package dev.kiln.controlplane.model;

import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.common.UnavailableException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.exceptions.BufferLengthExceededException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Reads an upload's multipart body as it arrives: the {@code file} part into a spool file, hashed and counted against
 * the size limit and the spool's hold chunk by chunk (413 or 503 the moment one is passed, the partial file deleted);
 * the text parts {@code versionTag} and {@code descriptor} into memory, 64 KB each at most. Any other part is a 400
 * naming it.
 */
final class UploadBody {

    static final int MAX_TEXT_BYTES = 64 * 1024;

    /** A file written to the spool while it arrived; its owner deletes it. */
    record SpooledFile(String filename, Path path, String sha256, long size) {
    }

    /** The parts of an upload; {@code file} is null when the body had none. */
    record Received(@Nullable SpooledFile file, @Nullable String versionTag, @Nullable String descriptor) {
    }

    private final MultipartStream parts;
    private final Path spoolDir;
    private final UploadSpool.Hold hold;
    private final long maxFileBytes;
    private final byte[] chunk = new byte[64 * 1024];

    private UploadBody(MultipartStream parts, Path spoolDir, UploadSpool.Hold hold, long maxFileBytes) {
        this.parts = parts;
        this.spoolDir = spoolDir;
        this.hold = hold;
        this.maxFileBytes = maxFileBytes;
    }

    /** Reads the whole body; on any failure nothing is left in the spool. */
    static Received read(InputStream body, String boundary, Path spoolDir, UploadSpool.Hold hold, long maxFileBytes) {
        try (InputStream in = body) {
            return new UploadBody(new MultipartStream(in, boundary), spoolDir, hold, maxFileBytes).read();
        } catch (MultipartStream.MalformedException e) {
            throw InvalidInputException.field("file", "is not a well-formed multipart/form-data body: "
                    + e.getMessage(), "value_error.multipart");
        } catch (IOException e) {
            if (outpaced(e)) {
                throw new UnavailableException("The upload arrived faster than it could be written; try again.");
            }
            throw new InvalidInputException("The upload was cut off before its end.");
        }
    }

    /** The server gave the body up because it arrived faster than the spool took it (see {@link BodyPipe}). */
    private static boolean outpaced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BufferLengthExceededException) {
                return true;
            }
        }
        return false;
    }

    private Received read() throws IOException {
        SpooledFile file = null;
        String versionTag = null;
        String descriptor = null;
        try {
            for (MultipartStream.Part part = parts.next(); part != null; part = parts.next()) {
                switch (part.name()) {
                    case "file" -> {
                        if (file != null) {
                            throw InvalidInputException.field("file", "must be given once", "value_error.duplicate");
                        }
                        file = spool(part.filename());
                    }
                    case "versionTag" -> versionTag = text(part.name());
                    case "descriptor" -> descriptor = text(part.name());
                    default -> throw InvalidInputException.field(part.name(), "is not a part of this upload "
                            + "(file, versionTag, descriptor)", "value_error.extra");
                }
            }
            return new Received(file, versionTag, descriptor);
        } catch (IOException | RuntimeException e) {
            if (file != null) {
                Files.deleteIfExists(file.path());
            }
            throw e;
        }
    }

    private SpooledFile spool(@Nullable String filename) throws IOException {
        Path target = Files.createTempFile(spoolDir, "upload-", ".onnx");
        MessageDigest digest = Secrets.sha256();
        long size = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int n = parts.read(chunk, 0, chunk.length); n >= 0; n = parts.read(chunk, 0, chunk.length)) {
                size += n;
                if (size > maxFileBytes) {
                    throw new UploadTooLargeException(maxFileBytes);
                }
                hold.cover(size);
                digest.update(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        return new SpooledFile(filename == null ? "" : filename, target, HexFormat.of().formatHex(digest.digest()),
                size);
    }

    private String text(String name) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int n = parts.read(chunk, 0, chunk.length); n >= 0; n = parts.read(chunk, 0, chunk.length)) {
            if (text.size() + n > MAX_TEXT_BYTES) {
                throw InvalidInputException.field(name, "must be at most " + MAX_TEXT_BYTES + " bytes",
                        "value_error.too_long");
            }
            text.write(chunk, 0, n);
        }
        return text.toString(StandardCharsets.UTF_8);
    }
}
