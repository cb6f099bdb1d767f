package dev.kiln.node.memory;

/**
 * Whether the node is under memory pressure. It enters when the heap still used after a collection, or the direct
 * memory in use, reaches the threshold share of its limit; it leaves only when both are below {@value #RECOVERY} of
 * the threshold, so a node hovering at the line does not flap between refusing and accepting.
 */
public final class MemoryPressure {
    static final double RECOVERY = 0.9;

    private MemoryPressure() {
    }

    /**
     * @param heapAfterGc heap bytes live after the last collection
     * @param directUsed  direct (NIO) bytes allocated now
     */
    public record Reading(long heapAfterGc, long maxHeap, long directUsed, long maxDirect) {

        double heapShare() {
            return maxHeap <= 0 ? 0 : (double) heapAfterGc / maxHeap;
        }

        double directShare() {
            return maxDirect <= 0 ? 0 : (double) directUsed / maxDirect;
        }
    }

    public static boolean underPressure(boolean before, Reading reading, double threshold) {
        double worst = Math.max(reading.heapShare(), reading.directShare());
        return before ? worst >= threshold * RECOVERY : worst >= threshold;
    }
}
