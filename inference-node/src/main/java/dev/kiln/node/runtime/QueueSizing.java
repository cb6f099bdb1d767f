package dev.kiln.node.runtime;

import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.DescriptorOptions;
import dev.kiln.protocol.InputSpec;
import dev.kiln.protocol.ServingSettings;

/**
 * Clamps a deployment's {@code maxQueue} to what this node's memory can hold. Every admitted request is at once on
 * its way: until its image is decoded it holds its body on the heap (up to the largest body the server accepts),
 * after that its input tensor in direct memory until an inference thread takes it. Half the heap and half the direct
 * memory are given to one instance's queue, so a deployment configured for 100,000 waiting requests cannot run the
 * node out of either; what several instances hold together is watched by the node's memory-pressure guard.
 *
 * @param maxBodyBytes   the largest request body the server accepts
 * @param defaultMaxSide the longest side of a dynamic-size model's tensor when its descriptor sets none (0 = none)
 * @param maxPixels      the pixel limit, bounding a dynamic tensor that no side limit bounds
 */
public record QueueSizing(MemoryLimits limits, long maxBodyBytes, int defaultMaxSide, long maxPixels) {

    public QueueClamp clamp(Assignment assignment) {
        ServingSettings s = assignment.settings() == null ? ServingSettings.defaults() : assignment.settings();
        int configured = Math.max(1, s.maxQueue());
        long byHeap = limits.maxHeap() / 2 / Math.max(1, maxBodyBytes);
        long byDirect = limits.maxDirect() / 2 / tensorBytes(assignment);
        long allowed = Math.max(1, Math.min(byHeap, byDirect));
        if (allowed >= configured) {
            return new QueueClamp(configured, configured, null);
        }
        return new QueueClamp(configured, (int) allowed, byHeap <= byDirect ? "heap" : "directMemory");
    }

    /** Bytes of one request's input tensor at its largest. */
    long tensorBytes(Assignment assignment) {
        InputSpec spec = assignment.descriptor().input();
        int bytesPerValue = "uint8".equalsIgnoreCase(spec.dtype()) ? 1 : 4;
        int given = DescriptorOptions.Resize.of(assignment.descriptor().options()).maxSide();
        int maxSide = given > 0 ? given : defaultMaxSide;
        long area;
        if (spec.width() != null && spec.height() != null) {
            area = (long) spec.width() * spec.height();
        } else if (maxSide > 0) {
            area = (long) (spec.width() != null ? spec.width() : maxSide) * (spec.height() != null ? spec.height() : maxSide);
        } else {
            area = maxPixels;
        }
        return Math.max(1, area * 3 * bytesPerValue);
    }
}
