package dev.kiln.controlplane.capture;

import dev.kiln.controlplane.support.S3MockServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every capture case of {@link CaptureApiTest} again with the images in an S3 bucket: the control plane's own S3
 * client against a real S3-protocol server (S3Mock, a process of its own), configured as an operator would.
 */
@MicronautTest(transactional = false)
class S3CaptureApiTest extends CaptureApiTest {
    private static final String BUCKET = "kiln-captures";

    private S3MockServer s3;

    @Override
    public Map<String, String> getProperties() {
        if (s3 == null) {
            s3 = S3MockServer.start(BUCKET);
        }
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.remove("kiln.capture.dir");
        properties.put("kiln.capture.s3-endpoint", s3.endpoint());
        properties.put("kiln.capture.s3-bucket", BUCKET);
        properties.put("kiln.capture.s3-access-key", "test-access-key");
        properties.put("kiln.capture.s3-secret-key", "test-secret-key");
        return properties;
    }

    @Test
    void aCapturesImageIsAnObjectInTheBucket() {
        Served s = served();

        send(node, metadata(s, List.of("all"), true, Instant.now()), jpeg(8, 8));

        assertThat(storedBlobs(s.deploymentId())).hasSize(1);
    }

    @Override
    List<String> storedBlobs(UUID deploymentId) {
        try (S3Client client = BlobStores.s3Client(new CaptureConfig("", 0, Duration.ZERO, s3.endpoint(),
                BUCKET, "us-east-1", "test-access-key", "test-secret-key", true))) {
            return client.listObjectsV2(r -> r.bucket(BUCKET)).contents().stream().map(S3Object::key)
                    .filter(key -> key.contains(deploymentId.toString())).toList();
        }
    }

    @AfterAll
    void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }
}
