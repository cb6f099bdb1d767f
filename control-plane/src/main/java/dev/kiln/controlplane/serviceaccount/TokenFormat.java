package dev.kiln.controlplane.serviceaccount;

import dev.kiln.controlplane.common.Secrets;

/** Service-account token format: {@code kiln_sat_} + base64url of 32 random bytes (256 bits); prefix = 16 chars. */
final class TokenFormat {

    static final String SCHEME = "kiln_sat_";
    static final int RANDOM_BYTES = 32;
    static final int PREFIX_LENGTH = 16;
    /** 32 bytes are 43 base64url characters without padding. */
    static final int LENGTH = SCHEME.length() + 43;

    private TokenFormat() {
    }

    static String newToken() {
        return SCHEME + Secrets.randomBase64Url(RANDOM_BYTES);
    }

    static String prefix(String token) {
        return token.substring(0, PREFIX_LENGTH);
    }

    /** Whether the bearer is meant for us; a JWT or anything else is left to the other validators. */
    static boolean ours(String bearer) {
        return bearer != null && bearer.startsWith(SCHEME);
    }

    /** Cheap shape check so garbage never reaches the database. */
    static boolean plausible(String token) {
        if (!ours(token) || token.length() != LENGTH) {
            return false;
        }
        for (int i = SCHEME.length(); i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
