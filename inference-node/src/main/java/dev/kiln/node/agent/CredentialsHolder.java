package dev.kiln.node.agent;

import dev.kiln.protocol.NodeCredentials;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The credentials the node currently holds; the gateway token in them authenticates forwarded predictions. */
@Singleton
public final class CredentialsHolder {
    private final AtomicReference<NodeCredentials> current = new AtomicReference<>();

    public Optional<NodeCredentials> current() {
        return Optional.ofNullable(current.get());
    }

    void set(NodeCredentials credentials) {
        current.set(credentials);
    }
}
