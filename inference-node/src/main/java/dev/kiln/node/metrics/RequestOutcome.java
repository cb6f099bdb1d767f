package dev.kiln.node.metrics;

/**
 * How one request to an instance ended.
 *
 * @param status          the HTTP status answered
 * @param totalNanos      from arrival to response
 * @param timed           whether the request reached the model, so that the times below are known
 * @param queueStartNanos when it began waiting for the model ({@code System.nanoTime()})
 * @param queueNanos      how long it waited for the model
 * @param inferenceNanos  how long the model ran
 */
record RequestOutcome(int status, long totalNanos, boolean timed, long queueStartNanos, long queueNanos,
                      long inferenceNanos) {

    static RequestOutcome untimed(int status, long totalNanos) {
        return new RequestOutcome(status, totalNanos, false, 0, 0, 0);
    }
}
