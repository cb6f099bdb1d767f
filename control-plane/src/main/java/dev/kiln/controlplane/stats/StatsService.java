package dev.kiln.controlplane.stats;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.deployment.DeploymentRepository;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

/** The stats API: validates the range, picks the step and the tables, and shapes the series. */
@Singleton
class StatsService {

    /** Steps offered when none is asked for: the smallest that keeps a chart within {@link #TARGET_POINTS}. */
    private static final long[] STEPS = {10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
            86400};
    private static final int TARGET_POINTS = 360;
    static final int MAX_POINTS = 2000;
    static final Duration MAX_RANGE = Duration.ofDays(31);
    static final Duration DEFAULT_RANGE = Duration.ofHours(1);
    static final int SPARKLINE_POINTS = 12;
    static final int MAX_SUMMARY_MINUTES = 24 * 60;

    private final DeploymentScope scope;
    private final DeploymentRepository deployments;
    private final Access access;
    private final StatsReader reader;
    private final StatsConfig config;
    private final Clock clock;
    private final ScalePoints scalePoints;

    StatsService(DeploymentScope scope, DeploymentRepository deployments, Access access, StatsReader reader,
                 StatsConfig config, Clock clock, ScalePoints scalePoints) {
        this.scalePoints = scalePoints;
        this.scope = scope;
        this.deployments = deployments;
        this.access = access;
        this.reader = reader;
        this.config = config;
        this.clock = clock;
    }

    @ReadOnly
    StatsViews.Stats stats(Caller caller, UUID deploymentId, @Nullable String fromText, @Nullable String toText,
                           @Nullable Long step) {
        Instant now = Times.now(clock);
        Instant to = toText == null ? now : instant("to", toText);
        Instant from = fromText == null ? to.minus(DEFAULT_RANGE) : instant("from", fromText);
        if (!from.isBefore(to)) {
            throw query("from", "from must be before to.", "must be before to", "value_error.range");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw query("from", "The range may span at most " + MAX_RANGE.toDays() + " days.",
                    "must be at most " + MAX_RANGE.toDays() + " days before to", "value_error.range");
        }
        // Raw rows cover everything since now - raw retention; older ranges are read from minutes.
        boolean fromMinutes = from.isBefore(now.minus(config.rawRetention()));
        long seconds = Duration.between(from, to).toSeconds();
        long stepSeconds = step == null ? pick(seconds, fromMinutes) : step;
        if (stepSeconds < 10) {
            throw query("step", "step must be at least 10 seconds (the window length).", "must be at least 10",
                    "value_error.number");
        }
        if (stepSeconds > MAX_RANGE.toSeconds()) {
            // Longer than any range: one point at most, and the bucket arithmetic in milliseconds stays in range.
            throw query("step", "step may be at most " + MAX_RANGE.toSeconds() + " seconds (" + MAX_RANGE.toDays()
                    + " days).", "must be at most " + MAX_RANGE.toSeconds(), "value_error.number");
        }
        if (fromMinutes && stepSeconds % 60 != 0) {
            throw query("step", "Data older than " + config.rawRetention().toHours()
                            + " hours is kept per minute: step must be a multiple of 60 seconds.",
                    "must be a multiple of 60 for this range", "value_error.number");
        }
        if ((seconds + stepSeconds - 1) / stepSeconds > MAX_POINTS) {
            throw query("step", "step is too small for the range: at most " + MAX_POINTS + " points per series.",
                    "must give at most " + MAX_POINTS + " points", "value_error.number");
        }
        Deployment deployment = scope.readable(caller, deploymentId);
        Instant gridFrom = fromMinutes ? from.truncatedTo(ChronoUnit.MINUTES) : from;
        StatsReader.Grid grid = new StatsReader.Grid(gridFrom, to, stepSeconds * 1000);
        StatsReader.Requests r = reader.requests(List.of(deploymentId), grid, fromMinutes).get(deploymentId);
        StatsReader.Usage usage = reader.usage(deploymentId, grid, fromMinutes);
        Integer[] instances = scalePoints.series(deploymentId, grid);
        StatsViews.Series series = new StatsViews.Series(
                points(grid, i -> r.requests[i]), points(grid, i -> r.errors4xx[i]), points(grid, i -> r.errors5xx[i]),
                points(grid, i -> Histograms.percentileMs(r.total[i], 50)),
                points(grid, i -> Histograms.percentileMs(r.total[i], 95)),
                points(grid, i -> Histograms.percentileMs(r.total[i], 99)),
                points(grid, i -> r.concurrency[i]),
                points(grid, i -> usage.cpuPercent()[i]), points(grid, i -> round(usage.memoryBytes()[i])),
                points(grid, i -> usage.gpuUtilPercent()[i]), points(grid, i -> round(usage.gpuMemoryBytes()[i])),
                points(grid, i -> instances[i]),
                points(grid, i -> r.evaluations[i]));
        Instant createdAt = deployment.createdAt();
        Instant availableFrom = from.isAfter(createdAt) ? from : createdAt;
        Instant availableTo = to.isBefore(now) ? to : now;
        Double availability = reader.availability(deploymentId, availableFrom, availableTo, now,
                config.observeInterval().multipliedBy(3));
        long uptime = deployment.onlineSince() == null ? 0
                : Math.max(0, Duration.between(deployment.onlineSince(), now).toSeconds());
        return new StatsViews.Stats(gridFrom, to, stepSeconds, uptime, availability, series);
    }

    @ReadOnly
    StatsViews.Summary summary(Caller caller, UUID projectId, @Nullable Integer minutesAsked) {
        int minutes = minutesAsked == null ? 60 : minutesAsked;
        if (minutes < 1 || minutes > MAX_SUMMARY_MINUTES) {
            throw query("minutes", "minutes must be between 1 and " + MAX_SUMMARY_MINUTES + ".",
                    "must be between 1 and " + MAX_SUMMARY_MINUTES, "value_error.number");
        }
        access.project(caller, projectId, Role.VIEWER);
        Instant to = Times.now(clock).truncatedTo(ChronoUnit.SECONDS);
        Instant from = to.minus(Duration.ofMinutes(minutes));
        List<UUID> ids = deployments.findByProjectIdOrderByCreatedAt(projectId).stream()
                .filter(d -> !d.deleting()).map(Deployment::id).toList();
        StatsReader.Grid grid = new StatsReader.Grid(from, to, minutes * 60_000L / SPARKLINE_POINTS);
        Map<UUID, StatsReader.Requests> all = reader.requests(ids, grid, false);
        List<StatsViews.DeploymentSummary> rows = new ArrayList<>();
        for (UUID id : ids) {
            StatsReader.Requests r = all.get(id);
            long requests = r.sum(r.requests);
            long errors = r.sum(r.errors4xx) + r.sum(r.errors5xx);
            rows.add(new StatsViews.DeploymentSummary(id, requests, requests / (minutes * 60.0),
                    requests == 0 ? 0 : (double) errors / requests, Histograms.percentileMs(r.overall, 95),
                    points(grid, i -> r.requests[i])));
        }
        return new StatsViews.Summary(from, to, rows);
    }

    private static long pick(long seconds, boolean wholeMinutes) {
        return Arrays.stream(STEPS).filter(s -> !wholeMinutes || s % 60 == 0)
                .filter(s -> (seconds + s - 1) / s <= TARGET_POINTS).findFirst().orElse(STEPS[STEPS.length - 1]);
    }

    private static List<List<Object>> points(StatsReader.Grid grid, IntFunction<Object> value) {
        List<List<Object>> points = new ArrayList<>(grid.size());
        for (int i = 0; i < grid.size(); i++) {
            points.add(Arrays.asList(grid.start(i).toEpochMilli(), value.apply(i)));
        }
        return points;
    }

    private static @Nullable Long round(@Nullable Double value) {
        return value == null ? null : Math.round(value);
    }

    private static Instant instant(String name, String text) {
        try {
            return Instant.parse(text).truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw query(name, name + " must be an ISO-8601 instant such as 2025-01-31T12:00:00Z.",
                    "must be an ISO-8601 instant", "value_error.datetime");
        }
    }

    private static InvalidInputException query(String name, String message, String msg, String type) {
        return new InvalidInputException(message, List.of(new ErrorBody.Detail(List.of("query", name), msg, type)));
    }
}
