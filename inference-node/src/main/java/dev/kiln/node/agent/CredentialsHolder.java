package dev.kiln.node.agent;

import dev.kiln.protocol.NodeCredentials;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The credentials the node currently holds. Of the gateway token it keeps only the SHA-256: the plaintext arrives
 * once, in the registration answer, and is forgotten (so {@link #current()} carries none). A new registration
 * replaces the token; the one it replaces stays valid for {@link NodeConfig#gatewayTokenGrace()}, for the gateway's
 * calls already on their way with it.
 */
@Singleton
public final class CredentialsHolder {
    private final Clock clock;
    private final NodeConfig config;
    private final AtomicReference<Held> held = new AtomicReference<>();

    CredentialsHolder(Clock clock, NodeConfig config) {
        this.clock = clock;
        this.config = config;
    }

    private record Held(NodeCredentials credentials, @Nullable byte[] tokenHash, @Nullable byte[] previousHash,
                        Instant previousUntil) {
    }

    /** The node's id and secret (its gateway token is not kept: null). */
    public Optional<NodeCredentials> current() {
        return Optional.ofNullable(held.get()).map(Held::credentials);
    }

    /**
     * Whether a token with this SHA-256 is the current gateway token, or the previous one within its grace. Both
     * comparisons always run, in constant time, so timing tells nothing about either.
     */
    public boolean acceptsGatewayToken(byte[] presentedHash) {
        Held now = held.get();
        if (now == null) {
            return false;
        }
        boolean current = now.tokenHash() != null && MessageDigest.isEqual(presentedHash, now.tokenHash());
        boolean previous = now.previousHash() != null && MessageDigest.isEqual(presentedHash, now.previousHash());
        return current || previous && clock.instant().isBefore(now.previousUntil());
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Takes a registration answer; returns what the credential file keeps of it. */
    SavedCredentials issued(NodeCredentials issued) {
        byte[] hash = sha256(issued.gatewayToken());
        Held before = held.get();
        held.set(new Held(withoutToken(issued), hash, before == null ? null : before.tokenHash(),
                clock.instant().plus(config.gatewayTokenGrace())));
        return new SavedCredentials(issued.nodeId(), issued.nodeSecret(), HexFormat.of().formatHex(hash),
                issued.heartbeatIntervalMs());
    }

    /** Takes the credentials saved by an earlier run. */
    void restored(SavedCredentials saved) {
        byte[] hash = saved.gatewayTokenSha256() == null ? null : HexFormat.of().parseHex(saved.gatewayTokenSha256());
        held.set(new Held(new NodeCredentials(saved.nodeId(), saved.nodeSecret(), null, saved.heartbeatIntervalMs()),
                hash, null, Instant.MIN));
    }

    private static NodeCredentials withoutToken(NodeCredentials issued) {
        return new NodeCredentials(issued.nodeId(), issued.nodeSecret(), null, issued.heartbeatIntervalMs());
    }
}
