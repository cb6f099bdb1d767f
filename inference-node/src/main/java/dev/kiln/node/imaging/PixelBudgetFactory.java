package dev.kiln.node.imaging;

import dev.kiln.node.runtime.MemoryLimits;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's one {@link PixelBudget}, configured or sized from memory. */
@Factory
final class PixelBudgetFactory {
    private static final Logger LOG = LoggerFactory.getLogger(PixelBudgetFactory.class);

    @Singleton
    PixelBudget pixelBudget(DecodingConfig decoding, ImagingConfig imaging, @Nullable MeterRegistry registry) {
        long pixels = decoding.maxDecodedPixels() > 0 ? decoding.maxDecodedPixels()
                : MemoryLimits.ofThisJvm().defaultDecodedPixels(imaging.maxPixels());
        LOG.info("Decoding holds at most {} MP at once{}", pixels / 1_000_000,
                decoding.maxDecodedPixels() > 0 ? "" : " (sized from memory; set KILN_NODE_MAX_DECODED_PIXELS)");
        PixelBudget budget = new PixelBudget(pixels);
        if (registry != null) {
            Gauge.builder("kiln.node.decoding.pixels.held", budget, b -> b.capacity() - b.available())
                    .description("decoded pixels held now, of kiln.node.decoding.max-decoded-pixels").register(registry);
            Gauge.builder("kiln.node.decoding.waiting", budget, PixelBudget::waiting)
                    .description("requests waiting for pixels to decode their image").register(registry);
        }
        return budget;
    }
}
