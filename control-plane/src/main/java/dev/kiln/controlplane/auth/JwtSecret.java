package dev.kiln.controlplane.auth;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;

import java.nio.charset.StandardCharsets;

/**
 * Checks at startup that the JWT signing secret is configured and strong, instead of failing on the first
 * login (there is deliberately no default: a default secret would let anyone mint tokens).
 */
@Context
class JwtSecret {

    static final String PROPERTY = "micronaut.security.token.jwt.signatures.secret.generator.secret";
    static final int MIN_LENGTH = 32;

    private final byte[] secret;

    JwtSecret(Environment environment) {
        String value;
        try {
            value = environment.getProperty(PROPERTY, String.class).orElse("");
        } catch (ConfigurationException e) {
            // The placeholder ${KILN_JWT_SECRET} could not be resolved.
            value = "";
        }
        if (value.isBlank()) {
            throw new ConfigurationException("KILN_JWT_SECRET is not set: set it to a random string of at least "
                    + MIN_LENGTH + " characters (e.g. `openssl rand -base64 48`).");
        }
        if (value.length() < MIN_LENGTH) {
            throw new ConfigurationException("KILN_JWT_SECRET is too short (" + value.length()
                    + " characters): use at least " + MIN_LENGTH + ".");
        }
        this.secret = value.getBytes(StandardCharsets.UTF_8);
    }

    byte[] bytes() {
        return secret.clone();
    }
}
