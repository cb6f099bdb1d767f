package dev.kiln.node.memory;

import dev.kiln.node.imaging.ImagingConfig;
import dev.kiln.node.runtime.MemoryLimits;
import dev.kiln.node.runtime.QueueSizing;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.convert.format.ReadableBytes;
import jakarta.inject.Singleton;

/** Sizes instance queues from this JVM's memory, the largest body the server accepts and the image limits. */
@Factory
final class QueueSizingFactory {

    @Singleton
    QueueSizing queueSizing(ImagingConfig imaging,
                            @Value("${micronaut.server.max-request-size:10MB}") @ReadableBytes long maxRequestSize) {
        return new QueueSizing(MemoryLimits.ofThisJvm(), maxRequestSize, imaging.dynamicMaxSide(), imaging.maxPixels());
    }
}
