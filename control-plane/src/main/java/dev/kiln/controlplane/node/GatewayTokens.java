package dev.kiln.controlplane.node;

import dev.kiln.controlplane.common.Secrets;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * The token the gateway presents to a node: 256 random bits, new at every (re-)registration. The node keeps only its
 * hash; the nodes row keeps it sealed (AES-256-GCM, random nonce, the node id as associated data so a sealed token
 * copied into another row does not open) with {@link NodeTokenKey}, so every replica can open it to present it, and
 * a database dump alone cannot.
 */
@Singleton
public class GatewayTokens {

    private static final String FORMAT = "v1.";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    @Inject
    GatewayTokens(NodeTokenKey key) {
        this(key.key());
    }

    GatewayTokens(SecretKey key) {
        this.key = key;
    }

    /** A fresh token (given to the node once, in its registration answer). */
    static String newToken() {
        return Secrets.randomBase64Url(32);
    }

    /** What the nodes row stores: {@code v1.} + base64url(nonce ‖ ciphertext ‖ tag). */
    String seal(UUID nodeId, String token) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] sealed = cipher(Cipher.ENCRYPT_MODE, nodeId, nonce, token.getBytes(StandardCharsets.UTF_8));
        byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        return FORMAT + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /**
     * The token sealed in the node's row.
     *
     * @throws IllegalArgumentException when it was not sealed for this node with this key (or was altered)
     */
    public String open(UUID nodeId, String sealed) {
        if (!sealed.startsWith(FORMAT)) {
            throw new IllegalArgumentException("not a sealed gateway token");
        }
        byte[] raw = Base64.getUrlDecoder().decode(sealed.substring(FORMAT.length()));
        if (raw.length <= NONCE_BYTES) {
            throw new IllegalArgumentException("not a sealed gateway token");
        }
        byte[] nonce = Arrays.copyOf(raw, NONCE_BYTES);
        byte[] body = Arrays.copyOfRange(raw, NONCE_BYTES, raw.length);
        return new String(cipher(Cipher.DECRYPT_MODE, nodeId, nonce, body), StandardCharsets.UTF_8);
    }

    private byte[] cipher(int mode, UUID nodeId, byte[] nonce, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(nodeId.toString().getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("the gateway token was sealed for another node or with another key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every JDK", e);
        }
    }
}
