package dev.kiln.controlplane.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;

/** bcrypt password hashes (DESIGN §8). */
public final class Passwords {

    private static final int COST = 12;
    /** Checked when the user does not exist, so a wrong email costs as much time as a wrong password. */
    private static final String DUMMY_HASH = hash("not-a-real-password-" + System.nanoTime());

    private Passwords() {
    }

    public static String hash(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    /** False, after the same time as a real check, for a password longer than bcrypt takes (never set, never right). */
    public static boolean matches(String password, String hash) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > PasswordRules.MAX_BYTES) {
            BCrypt.verifyer().verify(new byte[0], DUMMY_HASH.getBytes(StandardCharsets.UTF_8));
            return false;
        }
        return BCrypt.verifyer().verify(bytes, hash.getBytes(StandardCharsets.UTF_8)).verified;
    }

    /** Burns the same time as a real check; always false. */
    static boolean burn(String password) {
        matches(password, DUMMY_HASH);
        return false;
    }
}
