package dev.kiln.controlplane.keys;

import dev.kiln.controlplane.common.Secrets;
import io.micronaut.core.annotation.Nullable;

/** Project secret format (DESIGN §8: 256-bit random, visible prefix): {@code kiln_} + base64url of 32 random bytes; prefix = first 12 chars. */
public final class KeyFormat {

    static final String SCHEME = "kiln_";
    static final int RANDOM_BYTES = 32;
    static final int PREFIX_LENGTH = 12;
    /** 32 bytes are 43 base64url characters without padding. */
    static final int LENGTH = SCHEME.length() + 43;

    private KeyFormat() {
    }

    static String newSecret() {
        return SCHEME + Secrets.randomBase64Url(RANDOM_BYTES);
    }

    static String prefix(String secret) {
        return secret.substring(0, PREFIX_LENGTH);
    }

    /** The visible prefix of what has a key's shape, for logs; null for anything else, which may be a secret. */
    public static @Nullable String loggablePrefix(@Nullable String secret) {
        return plausible(secret) ? prefix(secret) : null;
    }

    /** Cheap shape check so garbage never reaches the hash table. */
    static boolean plausible(String secret) {
        if (secret == null || secret.length() != LENGTH || !secret.startsWith(SCHEME)) {
            return false;
        }
        for (int i = SCHEME.length(); i < secret.length(); i++) {
            char c = secret.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
