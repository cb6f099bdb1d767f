package dev.kiln.controlplane.stats;

import io.micronaut.core.annotation.Nullable;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * HdrHistograms of latencies in microseconds, as the nodes send them (compressed, base64) and as they are stored
 * (compressed bytes). Percentiles over many windows come from merging them, never from averaging percentiles.
 */
final class Histograms {

    private Histograms() {
    }

    /** An empty histogram that grows to whatever it is merged with. */
    static Histogram empty() {
        return new Histogram(3);
    }

    /** The compressed bytes of a base64 histogram; null when absent or empty; throws when it does not decode. */
    @Nullable
    static byte[] fromBase64(@Nullable String base64) {
        if (base64 == null || base64.isEmpty()) {
            return null;
        }
        byte[] bytes = Base64.getDecoder().decode(base64);
        decode(bytes); // refuse what could never be merged
        return bytes;
    }

    static Histogram decode(byte[] compressed) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(compressed), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not an HdrHistogram: " + e.getMessage(), e);
        }
    }

    /** Adds the stored histogram (if any) into {@code into}. */
    static void mergeInto(Histogram into, @Nullable byte[] compressed) {
        if (compressed != null) {
            into.add(decode(compressed));
        }
    }

    @Nullable
    static byte[] encode(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return bytes;
    }

    /** The latency at the percentile, in milliseconds; null when nothing was recorded. */
    static @Nullable Double percentileMs(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? null : histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
