package dev.kiln.controlplane.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.tenancy.UserRepository;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Forged, altered and stale tokens are all plain 401s with the error body; logout ends refreshing. */
@MicronautTest(transactional = false)
class TokenSecurityTest extends ApiTest {

    @Inject
    UserRepository users;

    /** From the database: the logout test below ends the admin's sessions, {@link #admin}'s included. */
    private String adminId() {
        return users.findByEmailIgnoreCase(ADMIN_EMAIL).orElseThrow().id().toString();
    }

    private JWTClaimsSet claims(Instant expires) {
        return claims(expires, users.findTokenVersion(UUID.fromString(adminId())).orElseThrow());
    }

    private JWTClaimsSet claims(Instant expires, long tokenVersion) {
        return new JWTClaimsSet.Builder().subject(adminId()).claim("email", ADMIN_EMAIL)
                .claim(Tokens.VERSION_CLAIM, tokenVersion)
                .issueTime(Date.from(Instant.now().minus(2, ChronoUnit.HOURS))).expirationTime(Date.from(expires))
                .build();
    }

    @Test
    void aRightlySignedTokenOfAnEarlierTokenVersionOrWithoutOneIs401() throws Exception {
        long current = users.findTokenVersion(UUID.fromString(adminId())).orElseThrow();
        Instant expires = Instant.now().plus(1, ChronoUnit.HOURS);
        JWTClaimsSet withoutVersion = new JWTClaimsSet.Builder().subject(adminId()).claim("email", ADMIN_EMAIL)
                .expirationTime(Date.from(expires)).build();

        assertRefused(sign(claims(expires, current - 1), JWT_SECRET));
        assertRefused(sign(withoutVersion, JWT_SECRET));
    }

    private static String sign(JWTClaimsSet claims, String secret) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private void assertRefused(String token) {
        Api.Response r = anonymous.as(token).get("/api/v1/organizations");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.map()).containsEntry("status", 401).containsEntry("error", "Unauthorized");
    }

    @Test
    void aTokenSignedWithTheRightSecretWorksWhichMakesTheRefusalsBelowMeaningful() throws Exception {
        String token = sign(claims(Instant.now().plus(1, ChronoUnit.HOURS)), JWT_SECRET);

        assertThat(anonymous.as(token).get("/api/v1/organizations").status()).isEqualTo(200);
    }

    @Test
    void anUnsignedAlgNoneTokenIs401() {
        String token = new PlainJWT(claims(Instant.now().plus(1, ChronoUnit.HOURS))).serialize();

        assertRefused(token);
    }

    @Test
    void aTokenSignedWithAnotherKeyIs401() throws Exception {
        assertRefused(sign(claims(Instant.now().plus(1, ChronoUnit.HOURS)),
                "some-other-secret-that-is-also-long-enough-0123456789"));
    }

    @Test
    void anExpiredTokenIs401() throws Exception {
        assertRefused(sign(claims(Instant.now().minus(1, ChronoUnit.MINUTES)), JWT_SECRET));
    }

    @Test
    void aTokenWhosePayloadWasAlteredIs401() throws Exception {
        String token = sign(claims(Instant.now().plus(1, ChronoUnit.HOURS)), JWT_SECRET);
        String[] parts = token.split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims(Instant.now().plus(10, ChronoUnit.DAYS)).toString().getBytes(StandardCharsets.UTF_8));

        assertRefused(parts[0] + "." + otherPayload + "." + parts[2]);
        assertRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2) + "AA");
    }

    @Test
    void afterLogoutTheRefreshTokenNoLongerWorksAndLoggingOutAgainIsHarmless() {
        Api.Response login = anonymous.post("/api/v1/auth/login", Map.of("username", ADMIN_EMAIL, "password", ADMIN_PASSWORD));
        String refresh = login.get("refresh_token");
        Api.Response refreshed = anonymous.post("/api/v1/auth/refresh", Map.of("refresh_token", refresh));
        assertThat(refreshed.status()).isEqualTo(200);

        Api.Response logout = anonymous.post("/api/v1/auth/logout", Map.of("refresh_token", refresh));

        assertThat(logout.status()).isEqualTo(204);
        assertThat(anonymous.as(refreshed.get("access_token")).get("/api/v1/me").status())
                .as("access tokens of every session end too").isEqualTo(401);
        assertThat(anonymous.post("/api/v1/auth/refresh", Map.of("refresh_token", refresh)).status()).isEqualTo(401);
        assertThat(anonymous.post("/api/v1/auth/refresh", Map.of("refresh_token", refreshed.get("refresh_token")))
                .status()).as("logout ends every session of the user").isEqualTo(401);
        assertThat(anonymous.post("/api/v1/auth/logout", Map.of("refresh_token", refresh)).status()).isEqualTo(204);
        Api.Response again = anonymous.post("/api/v1/auth/login", Map.of("username", ADMIN_EMAIL, "password", ADMIN_PASSWORD));
        assertThat(anonymous.post("/api/v1/auth/refresh", Map.of("refresh_token", again.get("refresh_token"))).status())
                .as("a new login refreshes again").isEqualTo(200);
    }
}
