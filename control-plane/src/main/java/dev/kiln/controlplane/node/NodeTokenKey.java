package dev.kiln.controlplane.node;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The key that seals the nodes' gateway tokens in the database, derived from {@code KILN_NODE_TOKEN_KEY}. It lives
 * in configuration, never in the database, so a database dump alone opens no token. Checked at startup, like the JWT
 * secret: there is no default, since a default key would seal the tokens with something everybody knows.
 */
@Context
class NodeTokenKey {

    static final String PROPERTY = "kiln.nodes.token-key";
    static final int MIN_LENGTH = 32;

    private final SecretKey key;

    NodeTokenKey(Environment environment) {
        String value;
        try {
            value = environment.getProperty(PROPERTY, String.class).orElse("");
        } catch (ConfigurationException e) {
            value = "";
        }
        this.key = fromSetting(value);
    }

    /** The sealing key for the configured value, or a {@link ConfigurationException} saying what is wrong with it. */
    static SecretKey fromSetting(String value) {
        if (value.isBlank()) {
            throw new ConfigurationException("KILN_NODE_TOKEN_KEY is not set: set it to a random string of at least "
                    + MIN_LENGTH + " characters (e.g. `openssl rand -base64 48`), the same on every control-plane "
                    + "replica.");
        }
        if (value.length() < MIN_LENGTH) {
            throw new ConfigurationException("KILN_NODE_TOKEN_KEY is too short (" + value.length()
                    + " characters): use at least " + MIN_LENGTH + ".");
        }
        return derive(value);
    }

    SecretKey key() {
        return key;
    }

    /** An AES-256 key of its own for this purpose, whatever the configured string looks like. */
    static SecretKey derive(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal("kiln gateway token seal v1".getBytes(StandardCharsets.UTF_8)),
                    "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
