package dev.kiln.protocol;

import io.micronaut.core.annotation.Creator;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.UUID;

/**
 * What one instance (or one gateway, for requests it refused) served in one closed stats window (DESIGN §9).
 * Windows start on multiples of {@code seconds} since the epoch, so windows of all sources line up; the pair
 * (source, start) identifies a window, and a window sent twice (a lost acknowledgement) is stored once.
 * Histograms are HdrHistogram's compressed encoding, base64, of latencies in microseconds; empty when no request
 * finished in the window. They are merged, never averaged, to get percentiles across instances and windows.
 *
 * @param source             the instance id, or for the gateway the id of the replica that counted the refusals
 * @param requests           requests that finished in the window, errors included
 * @param errors4xx          of those, answered with a 4xx status
 * @param errors5xx          of those, answered with a 5xx status
 * @param maxConcurrency     most requests in flight at once during the window
 * @param maxQueueDepth      most requests waiting for the model at once during the window
 * @param queueHistogram     time spent waiting for the model
 * @param inferenceHistogram time in the model run
 * @param totalHistogram     time from arrival to response
 * @param evaluations        of the requests, those sent from the dashboard's evaluation (not production traffic);
 *                           0 from a sender that predates the field
 */
@Serdeable
public record StatsWindow(UUID source, UUID deploymentId, Instant start, int seconds, long requests,
                          long errors4xx, long errors5xx, int maxConcurrency, int maxQueueDepth,
                          String queueHistogram, String inferenceHistogram, String totalHistogram,
                          long evaluations) {

    @Creator
    public StatsWindow {
    }

    /** A window without evaluation traffic (the gateway's refusals, or tests). */
    public StatsWindow(UUID source, UUID deploymentId, Instant start, int seconds, long requests, long errors4xx,
                       long errors5xx, int maxConcurrency, int maxQueueDepth, String queueHistogram,
                       String inferenceHistogram, String totalHistogram) {
        this(source, deploymentId, start, seconds, requests, errors4xx, errors5xx, maxConcurrency, maxQueueDepth,
                queueHistogram, inferenceHistogram, totalHistogram, 0);
    }
}
