package dev.kiln.node.runtime;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;

/**
 * The memory this JVM may use: its heap, its direct (NIO) memory and the machine's (or container's) RAM, from which
 * the node sizes its bounds when they are not configured.
 *
 * @param maxHeap   {@code -Xmx}, as {@link Runtime#maxMemory()}
 * @param maxDirect {@code -XX:MaxDirectMemorySize}, which defaults to the heap size
 * @param physical  RAM of the machine, or the container's limit (the JVM reads cgroups)
 */
public record MemoryLimits(long maxHeap, long maxDirect, long physical) {
    /** A decoded pixel is 3 bytes (BGR); resizing and the decoder's row buffers can hold as much again. */
    static final int BYTES_PER_DECODED_PIXEL = 6;

    public static MemoryLimits ofThisJvm() {
        long heap = Runtime.getRuntime().maxMemory();
        long direct = 0;
        try {
            direct = Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("MaxDirectMemorySize").getValue());
        } catch (RuntimeException notHotSpot) {
            // Fall back to the default below.
        }
        long physical = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return new MemoryLimits(heap, direct > 0 ? direct : heap, physical);
    }

    /**
     * Decoded pixels the node may hold at once when none is configured. OpenCV's pixels live in native memory, outside
     * both the heap and direct memory, so what is left of the RAM after those two is the room; a quarter of it goes to
     * decoding, the rest stays for the models' sessions, their arenas and the OS. Never less than one image of
     * {@code maxPixels}, so an image within the pixel limit is never refused for size alone.
     */
    public long defaultDecodedPixels(long maxPixels) {
        long nativeRoom = Math.max(0, physical - maxHeap - maxDirect);
        return Math.max(maxPixels, nativeRoom / 4 / BYTES_PER_DECODED_PIXEL);
    }
}
