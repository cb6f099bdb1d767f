package dev.kiln.controlplane.capture;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;

import java.time.Duration;

/**
 * Data capture on the control plane ({@code kiln.capture.*}, env {@code KILN_CAPTURE_*}).
 *
 * @param dir               folder of the file blob store; empty means {@code <kiln.data-dir>/captures}
 * @param maxBytes          largest captured image a node may send; a larger one is refused (413)
 * @param retentionInterval how often the retention job deletes expired captures
 * @param s3Endpoint        an S3-compatible endpoint (e.g. {@code https://s3.eu-west-1.amazonaws.com} or a MinIO
 *                          URL); set, captures go to {@code s3Bucket} instead of the folder
 * @param s3PathStyle       path-style addressing ({@code endpoint/bucket/key}), which most self-hosted stores need
 */
@ConfigurationProperties("kiln.capture")
public record CaptureConfig(@Bindable(defaultValue = "") String dir,
                            @Bindable(defaultValue = "20MB") @ReadableBytes long maxBytes,
                            @Bindable(defaultValue = "1h") Duration retentionInterval,
                            @Bindable(defaultValue = "") String s3Endpoint,
                            @Bindable(defaultValue = "") String s3Bucket,
                            @Bindable(defaultValue = "us-east-1") String s3Region,
                            @Bindable(defaultValue = "") String s3AccessKey,
                            @Bindable(defaultValue = "") String s3SecretKey,
                            @Bindable(defaultValue = "true") boolean s3PathStyle) {

    boolean s3() {
        return !s3Endpoint.isBlank();
    }
}
