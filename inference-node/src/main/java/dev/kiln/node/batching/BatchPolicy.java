package dev.kiln.node.batching;

import dev.kiln.protocol.ServingSettings;

/**
 * When a batch is run: as soon as {@code maxBatchSize} requests of one shape wait, when the oldest has waited
 * {@code maxQueueDelayMs}, or at once when no other admitted request is on its way to join it. A delay of 0 never
 * waits: requests that piled up while the inference threads were busy still go as one batch.
 */
public record BatchPolicy(int maxBatchSize, long maxQueueDelayMs) {

    public static BatchPolicy of(ServingSettings settings) {
        return new BatchPolicy(Math.max(1, settings.maxBatchSize()), Math.max(0, settings.maxQueueDelayMs()));
    }

    public boolean batches() {
        return maxBatchSize > 1;
    }
}
