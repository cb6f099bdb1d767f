package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.deployment.Autoscaling;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Decides, on plain data, how many instances an autoscaled deployment wants (DESIGN §7), the way Knative's
 * autoscaler does: the average concurrency over the stable window over the target per instance, or over the short
 * panic window once that reaches twice what the running instances are meant to carry (then it never scales down).
 * Up at once (at most by {@code maxScaleUpRate} per decision); down only when nothing in the last
 * {@code scaleDownDelaySeconds} wanted more and the last change is that old; to zero only after that long without a
 * single request. At zero, only requests the gateways hold for activation can bring it back.
 */
public final class Autoscaler {

    /** What one node window (of every instance together) saw: the requests in flight at most, and served. */
    public record Sample(Instant end, double concurrency, long requests) {
    }

    /**
     * @param samples windows of the deployment's instances, summed per window, ending within the longest window
     * @param held    requests the gateway replicas hold for activation now
     */
    public record Observation(List<Sample> samples, int held) {
    }

    public sealed interface Decision {
        record Hold() implements Decision {
        }

        /** Scale to {@code instances}; {@code reason} says what was observed and why (a deployment log line). */
        record ScaleTo(int instances, String reason) implements Decision {
        }
    }

    private final Duration stableWindow;
    private final Duration panicWindow;
    private final Duration sampleLag;

    /**
     * @param sampleLag how long after a window ends the next one may still be on its way (a node window plus a
     *                  heartbeat): every window is stretched by it, or the gap before the next one reads as no load
     */
    public Autoscaler(Duration stableWindow, Duration panicWindow, Duration sampleLag) {
        this.stableWindow = stableWindow;
        this.panicWindow = panicWindow;
        this.sampleLag = sampleLag;
    }

    public Decision decide(Autoscaling policy, Observation seen, int current, Instant lastChange, Instant now) {
        double target = policy.targetConcurrency();
        if (current == 0) {
            return fromZero(policy, seen.held(), target);
        }
        double stable = average(seen.samples(), now.minus(stableWindow).minus(sampleLag), Sample::concurrency)
                + seen.held();
        double panic = average(seen.samples(), now.minus(panicWindow).minus(sampleLag), Sample::concurrency)
                + seen.held();
        boolean panicking = panic >= 2 * target * current;
        double observed = panicking ? panic : stable;
        int wanted = instancesFor(observed, target);
        String seenText = "observed concurrency " + number(observed) + (panicking ? " in the panic window" : "")
                + ", target " + number(target) + " per instance";
        if (wanted > current) {
            return up(policy, current, wanted, seenText);
        }
        if (wanted < current && !panicking) {
            return down(policy, seen, current, wanted, lastChange, now, seenText);
        }
        return new Decision.Hold();
    }

    private static Decision fromZero(Autoscaling policy, int held, double target) {
        int wanted = held > 0 ? Math.max(1, instancesFor(held, target)) : 0;
        int next = policy.bound(wanted);
        if (next == 0) {
            return new Decision.Hold();
        }
        String why = held > 0 ? held + " request" + (held == 1 ? "" : "s") + " held for activation"
                : "minInstances is " + policy.minInstances();
        return new Decision.ScaleTo(next, why + ", target " + number(target) + " per instance: 0 → " + next
                + capped(policy, wanted, next));
    }

    private static Decision up(Autoscaling policy, int current, int wanted, String seenText) {
        int next = policy.bound(wanted);
        if (policy.maxScaleUpRate() != null) {
            next = Math.min(next, Math.max(current + 1, (int) Math.ceil(current * policy.maxScaleUpRate())));
        }
        if (next <= current) {
            return new Decision.Hold();
        }
        return new Decision.ScaleTo(next, seenText + ": " + current + " → " + next + capped(policy, wanted, next));
    }

    private Decision down(Autoscaling policy, Observation seen, int current, int wanted, Instant lastChange,
                          Instant now, String seenText) {
        Duration delay = Duration.ofSeconds(policy.scaleDownDelaySeconds());
        if (now.isBefore(lastChange.plus(delay))) {
            return new Decision.Hold();
        }
        Instant since = now.minus(delay).minus(sampleLag);
        List<Sample> recent = seen.samples().stream().filter(s -> s.end().isAfter(since)).toList();
        int recentPeak = recent.stream().mapToInt(s -> instancesFor(s.concurrency(), policy.targetConcurrency()))
                .max().orElse(0);
        int next = policy.bound(Math.max(Math.max(wanted, recentPeak), instancesFor(seen.held(),
                policy.targetConcurrency())));
        boolean quiet = seen.held() == 0 && recent.stream().allMatch(s -> s.requests() == 0 && s.concurrency() == 0);
        if (next == 0 && !quiet) {
            next = 1;
        }
        if (next >= current) {
            return new Decision.Hold();
        }
        String why = next == 0 ? "no requests for " + policy.scaleDownDelaySeconds() + " s"
                : "below that for " + policy.scaleDownDelaySeconds() + " s";
        return new Decision.ScaleTo(next, seenText + ", " + why + ": " + current + " → " + next);
    }

    /** The mean of the samples ending after {@code since}; 0 when there is none (an idle instance sends none). */
    private static double average(List<Sample> samples, Instant since, ToDoubleFunction<Sample> value) {
        return samples.stream().filter(s -> s.end().isAfter(since)).mapToDouble(value).average().orElse(0);
    }

    private static int instancesFor(double concurrency, double target) {
        // A hair under a whole number is that number: 4.0000001 / 2 must not ask for a third instance.
        return (int) Math.ceil(concurrency / target - 1e-9);
    }

    private static String capped(Autoscaling policy, int wanted, int next) {
        if (wanted > policy.maxInstances()) {
            return " (wanted " + wanted + ", capped at maxInstances " + policy.maxInstances() + ")";
        }
        return wanted > next ? " (wanted " + wanted + ", limited by maxScaleUpRate " + policy.maxScaleUpRate() + ")"
                : "";
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
