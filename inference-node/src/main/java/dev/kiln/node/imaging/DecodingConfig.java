package dev.kiln.node.imaging;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * How many decoded pixels the node holds at once ({@code kiln.node.decoding.*}).
 *
 * @param maxDecodedPixels {@code KILN_NODE_MAX_DECODED_PIXELS}: pixels decoded and not yet turned into tensors, all
 *                         requests together; 0 = sized from the memory the JVM leaves to native code
 *                         ({@link dev.kiln.node.runtime.MemoryLimits#defaultDecodedPixels})
 * @param maxWait          {@code KILN_NODE_DECODE_WAIT}: how long a request waits for pixels before it is answered
 *                         503 with {@code Retry-After} (never longer than the deployment's timeout)
 */
@ConfigurationProperties("kiln.node.decoding")
public record DecodingConfig(@Bindable(defaultValue = "0") long maxDecodedPixels,
                             @Bindable(defaultValue = "5s") Duration maxWait) {
}
