package dev.kiln.node.cache;

import java.io.IOException;

/** Downloaded bytes did not hash to the artifact's SHA-256; nothing was kept. */
public class ArtifactMismatchException extends IOException {
    public ArtifactMismatchException(String message) {
        super(message);
    }
}
