package dev.kiln.controlplane.node;

import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.common.Times;
import jakarta.inject.Singleton;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;

/**
 * The token the gateway presents to a node: base64url(HMAC-SHA256(clusterKey, "gateway:" + nodeId)). Derived,
 * not stored, so every replica computes the same token from the one cluster key kept in cluster_settings.
 */
@Singleton
public class GatewayTokens {

    static final String CLUSTER_KEY = "gateway-hmac-key";

    private final ClusterSettingRepository settings;
    private final Clock clock;
    private volatile byte[] key;

    GatewayTokens(ClusterSettingRepository settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public String tokenFor(UUID nodeId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            byte[] token = mac.doFinal(("gateway:" + nodeId).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Created once for the whole cluster: the first replica's insert wins, everyone reads it back. */
    private byte[] key() {
        byte[] current = key;
        if (current == null) {
            settings.insertIfAbsent(CLUSTER_KEY, Secrets.randomBase64Url(32), Times.now(clock));
            String stored = settings.findById(CLUSTER_KEY).orElseThrow().value();
            current = Base64.getUrlDecoder().decode(stored);
            key = current;
        }
        return current;
    }
}
