package dev.kiln.node.capture;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;

import java.time.Duration;

/**
 * The node's capture queue ({@code kiln.node.capture.*}, env {@code KILN_NODE_CAPTURE_*}): captures wait here for
 * the control plane; past either bound a new one is dropped and counted, never waited for.
 *
 * @param queueSize     most captures waiting
 * @param queueBytes    most image bytes waiting
 * @param sendTimeout   one upload's time limit
 */
@ConfigurationProperties("kiln.node.capture")
public record CaptureConfig(@Bindable(defaultValue = "64") int queueSize,
                            @Bindable(defaultValue = "64MB") @ReadableBytes long queueBytes,
                            @Bindable(defaultValue = "30s") Duration sendTimeout) {
}
