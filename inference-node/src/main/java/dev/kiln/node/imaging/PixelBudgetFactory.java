package dev.kiln.node.imaging;

import dev.kiln.node.runtime.MemoryLimits;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's one {@link PixelBudget}, configured or sized from memory. */
@Factory
final class PixelBudgetFactory {
    private static final Logger LOG = LoggerFactory.getLogger(PixelBudgetFactory.class);

    @Singleton
    PixelBudget pixelBudget(DecodingConfig decoding, ImagingConfig imaging) {
        long pixels = decoding.maxDecodedPixels() > 0 ? decoding.maxDecodedPixels()
                : MemoryLimits.ofThisJvm().defaultDecodedPixels(imaging.maxPixels());
        LOG.info("Decoding holds at most {} MP at once{}", pixels / 1_000_000,
                decoding.maxDecodedPixels() > 0 ? "" : " (sized from memory; set KILN_NODE_MAX_DECODED_PIXELS)");
        return new PixelBudget(pixels);
    }
}
