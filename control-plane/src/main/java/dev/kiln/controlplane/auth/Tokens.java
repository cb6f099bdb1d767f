package dev.kiln.controlplane.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kiln.controlplane.tenancy.User;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.generator.TokenGenerator;
import jakarta.inject.Singleton;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues access tokens (micronaut-security JWTs, validated by its bearer filter) and refresh tokens.
 * Refresh tokens are signed with a key derived from the JWT secret but different from it, so the bearer
 * filter can never accept a refresh token as an access token. A refresh token carries the user's token version
 * (users.token_version); logout bumps it, which is what makes a refresh token unusable before it expires.
 */
@Singleton
class Tokens {

    private static final String REFRESH_PURPOSE = "kiln-refresh-token-v1";
    /** In refresh and access tokens: the users.token_version they were issued under ({@link AccountGate}). */
    static final String VERSION_CLAIM = "ver";

    /** What a valid refresh token says: whose it is and which token version it was issued under. */
    record Refresh(UUID userId, long version) {
    }

    private final TokenGenerator generator;
    private final AuthConfig config;
    private final Clock clock;
    private final byte[] refreshKey;

    Tokens(TokenGenerator generator, AuthConfig config, Clock clock, JwtSecret secret) {
        this.generator = generator;
        this.config = config;
        this.clock = clock;
        this.refreshKey = derive(secret.bytes());
    }

    TokenResponse issue(User user, long tokenVersion) {
        long ttl = config.accessTokenTtl().toSeconds();
        String access = generator.generateToken(
                        Authentication.build(user.id().toString(),
                                Map.of(CallerBinder.EMAIL_CLAIM, user.email(), VERSION_CLAIM, tokenVersion)),
                        (int) ttl)
                .orElseThrow(() -> new IllegalStateException("The JWT generator produced no token"));
        return new TokenResponse(access, refreshToken(user.id(), tokenVersion), "Bearer", ttl);
    }

    /** The user and token version of a validly signed, unexpired refresh token (the version is checked by the caller). */
    Optional<Refresh> verifyRefresh(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!jwt.verify(new MACVerifier(refreshKey))) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date expires = claims.getExpirationTime();
            if (expires == null || !expires.toInstant().isAfter(clock.instant())
                    || !REFRESH_PURPOSE.equals(claims.getStringClaim("purpose"))) {
                return Optional.empty();
            }
            Long version = claims.getLongClaim(VERSION_CLAIM);
            if (version == null) {
                return Optional.empty();
            }
            return Optional.of(new Refresh(UUID.fromString(claims.getSubject()), version));
        } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private String refreshToken(UUID userId, long version) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(userId.toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(config.refreshTokenTtl())))
                .jwtID(UUID.randomUUID().toString())
                .claim("purpose", REFRESH_PURPOSE)
                .claim(VERSION_CLAIM, version)
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(refreshKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a refresh token", e);
        }
    }

    private static byte[] derive(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(REFRESH_PURPOSE.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
