package dev.kiln.controlplane.capture;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;

/** The one blob store of this control plane, by configuration: S3 when an endpoint is set, else a folder. */
@Factory
class BlobStores {

    @Singleton
    BlobStore blobStore(CaptureConfig config, @Value("${kiln.data-dir:}") String dataDir) {
        if (config.s3()) {
            return new S3BlobStore(s3Client(config), requireBucket(config));
        }
        return new FileBlobStore(folder(config.dir(), dataDir));
    }

    /** The configured folder, else {@code captures} under the data dir, else under {@code ./.kiln}. */
    static Path folder(String dir, String dataDir) {
        if (!dir.isBlank()) {
            return Path.of(dir);
        }
        return (dataDir.isBlank() ? Path.of(".kiln") : Path.of(dataDir)).resolve("captures");
    }

    static S3Client s3Client(CaptureConfig config) {
        var builder = S3Client.builder()
                .endpointOverride(URI.create(config.s3Endpoint().trim()))
                .region(Region.of(config.s3Region()))
                .forcePathStyle(config.s3PathStyle())
                .httpClientBuilder(UrlConnectionHttpClient.builder());
        if (!config.s3AccessKey().isBlank()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.s3AccessKey(), config.s3SecretKey())));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder.build();
    }

    private static String requireBucket(CaptureConfig config) {
        if (config.s3Bucket().isBlank()) {
            throw new IllegalStateException("KILN_CAPTURE_S3_BUCKET is required with KILN_CAPTURE_S3_ENDPOINT");
        }
        return config.s3Bucket();
    }
}
