package dev.kiln.controlplane.scheduler;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * The autoscaler ({@code kiln.autoscaler.*}, DESIGN §7). Short windows make tests fast; the defaults are Knative's.
 *
 * @param stableWindow  concurrency is averaged over this long to size a deployment
 * @param panicWindow   and over this long to react to a burst (twice the target per running instance)
 * @param sampleLag     how long the next node window may take to arrive after the last one ended (10 s windows,
 *                      2 s heartbeats); windows count that much longer
 * @param demandTimeout a gateway replica's report of held requests counts for this long (they report every
 *                      half second while they hold any)
 */
@ConfigurationProperties("kiln.autoscaler")
public record AutoscalerConfig(@Bindable(defaultValue = "60s") Duration stableWindow,
                               @Bindable(defaultValue = "6s") Duration panicWindow,
                               @Bindable(defaultValue = "12s") Duration sampleLag,
                               @Bindable(defaultValue = "5s") Duration demandTimeout) {
}
