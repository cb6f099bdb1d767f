package dev.kiln.node.agent;

import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** {@code KILN_NODE_HOME/credentials.json}: readable by the node's user only, replaced atomically. */
final class CredentialStore {
    private final Path file;
    private final JsonMapper json;

    CredentialStore(Path home, JsonMapper json) {
        this.file = home.resolve("credentials.json");
        this.json = json;
    }

    Optional<SavedCredentials> load() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(Files.readAllBytes(file), SavedCredentials.class));
        } catch (IOException | RuntimeException e) {
            // Unreadable credentials are as good as none: the node registers again with its join token.
            return Optional.empty();
        }
    }

    void save(SavedCredentials credentials) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("credentials.json.tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            Files.write(tmp, new byte[0]);
        }
        Files.write(tmp, json.writeValueAsBytes(credentials));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    Path path() {
        return file;
    }
}
