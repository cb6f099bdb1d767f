package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.common.ByteBudget;
import dev.kiln.protocol.InternalPaths;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Asynchronous predictions (DESIGN §4.2): {@code POST /{id}/predict?async=true} answers 202 as soon as the request
 * is accepted, runs it through the normal prediction path, and keeps the answer — success or error, as it would
 * have been sent — in Postgres for {@code kiln.gateway.async-result-ttl}, so any replica can hand it out at
 * {@code GET /{id}/predictions/{predictId}}.
 */
@Singleton
class AsyncPredictions {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncPredictions.class);
    /** The longest {@code waitSeconds} honoured: a held connection costs little, but clients should not hang. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);
    private static final Duration WAIT_POLL = Duration.ofMillis(200);

    private final Gateway gateway;
    private final JdbcOperations jdbc;
    private final ExecutorService blocking;
    private final GatewayConfig config;
    private final JsonMapper json;
    private final Clock clock;
    private final TaskScheduler scheduler;

    AsyncPredictions(Gateway gateway, JdbcOperations jdbc, @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
                     GatewayConfig config, JsonMapper json, Clock clock,
                     @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
        this.scheduler = scheduler;
        this.gateway = gateway;
        this.jdbc = jdbc;
        this.blocking = blocking;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    static boolean requested(HttpRequest<?> request) {
        return request.getParameters().get("async", String.class).map("true"::equalsIgnoreCase).orElse(false);
    }

    CompletableFuture<HttpResponse<?>> submit(Route route, HttpRequest<?> request, String predictId) {
        if (!Gateway.isJson(request)) {
            return Gateway.done(DataPlaneResponses.error(415, "Send the prediction request as application/json.",
                    predictId));
        }
        return gateway.readBody(route, request, predictId, 1, body -> {
            // The body outlives the 202: it keeps its own share of the in-flight budget until the node has answered.
            ByteBudget.Lease held = gateway.hold(body.length);
            if (held == null) {
                return Gateway.done(gateway.overBudget(predictId));
            }
            return CompletableFuture.runAsync(() -> insert(route.deploymentId(), predictId), blocking)
                    .<HttpResponse<?>>thenApply(inserted -> {
                        // Runs on after the 202 has gone; its answer is stored whatever it is.
                        gateway.dispatch(route, NodeCall.PREDICT, body, predictId)
                                .whenComplete((reply, error) -> held.release())
                                .thenAcceptAsync(reply -> store(predictId, reply), blocking)
                                .exceptionally(e -> {
                                    LOG.warn("Could not store the result of async prediction {}: {}", predictId,
                                            e.toString());
                                    return null;
                                });
                        return accepted(route, predictId);
                    })
                    .whenComplete((response, error) -> {
                        if (error != null) {
                            held.release();
                        }
                    });
        });
    }

    private static HttpResponse<?> accepted(Route route, String predictId) {
        Map<String, String> accepted = new LinkedHashMap<>();
        accepted.put("predictId", predictId);
        accepted.put("status", "queued");
        accepted.put("resultUrl", "/" + route.deploymentId() + "/predictions/" + predictId);
        return HttpResponse.accepted().body(accepted).header(InternalPaths.PREDICT_ID_HEADER, predictId);
    }

    /**
     * 200 (or the stored error) once done, 202 while running, 404 unknown, expired or another deployment's. With
     * {@code waitSeconds} (capped at {@link #MAX_WAIT}) a running result is looked up again every
     * {@link #WAIT_POLL} until it is done or the time is up (408); no thread waits in between, and any replica may
     * have stored the result.
     */
    CompletableFuture<HttpResponse<?>> result(Route route, String resultId, HttpRequest<?> request,
                                              String predictId) {
        UUID id = parse(resultId);
        if (id == null) {
            return Gateway.done(unknown(resultId, predictId));
        }
        Duration wait;
        try {
            wait = waitOf(request);
        } catch (IllegalArgumentException e) {
            return Gateway.done(DataPlaneResponses.badRequest("waitSeconds must be a whole number of seconds ≥ 0.",
                    List.of("query", "waitSeconds"), "type_error.integer", predictId));
        }
        CompletableFuture<HttpResponse<?>> answer = new CompletableFuture<>();
        lookUp(route, id, resultId, predictId, clock.instant().plus(wait), wait.isZero(), answer);
        return answer;
    }

    /** {@code ?waitSeconds=N}: absent is 0; above {@link #MAX_WAIT} is the cap. */
    static Duration waitOf(HttpRequest<?> request) {
        String given = request.getParameters().get("waitSeconds");
        if (given == null) {
            return Duration.ZERO;
        }
        long seconds = Long.parseLong(given.trim());
        if (seconds < 0) {
            throw new IllegalArgumentException("negative");
        }
        return seconds >= MAX_WAIT.toSeconds() ? MAX_WAIT : Duration.ofSeconds(seconds);
    }

    private void lookUp(Route route, UUID id, String resultId, String predictId, Instant deadline, boolean noWait,
                        CompletableFuture<HttpResponse<?>> answer) {
        CompletableFuture.supplyAsync(() -> stored(route, id), blocking).whenComplete((row, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
            } else if (row == null) {
                answer.complete(unknown(resultId, predictId));
            } else if (!row.running()) {
                answer.complete(row.response(predictId));
            } else if (noWait) {
                answer.complete(HttpResponse.accepted().body(Map.of("predictId", resultId, "status", "running"))
                        .header(InternalPaths.PREDICT_ID_HEADER, predictId));
            } else if (!clock.instant().isBefore(deadline)) {
                answer.complete(DataPlaneResponses.error(408, "Prediction " + resultId + " is still running; ask "
                        + "again later.", predictId));
            } else {
                scheduler.schedule(WAIT_POLL, () -> lookUp(route, id, resultId, predictId, deadline, false, answer));
            }
        });
    }

    /** The stored row, or null when unknown, expired or another deployment's. */
    private StoredResult stored(Route route, UUID id) {
        return jdbc.execute(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    SELECT status, http_status, content_type, body FROM async_predictions
                    WHERE predict_id = ? AND deployment_id = ? AND expires_at > ?""")) {
                statement.setObject(1, id);
                statement.setObject(2, route.deploymentId());
                statement.setTimestamp(3, Timestamp.from(clock.instant()));
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        return null;
                    }
                    boolean running = row.getString("status").equals("RUNNING");
                    return new StoredResult(running, running ? 0 : row.getInt("http_status"),
                            row.getString("content_type"), row.getBytes("body"));
                }
            }
        });
    }

    private record StoredResult(boolean running, int status, String contentType, byte[] body) {
        HttpResponse<?> response(String predictId) {
            return DataPlaneResponses.relay(status, contentType, body, predictId);
        }
    }

    @Scheduled(fixedDelay = "1m", initialDelay = "1m")
    void deleteExpired() {
        try {
            jdbc.execute(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(
                        "DELETE FROM async_predictions WHERE expires_at <= ?")) {
                    statement.setTimestamp(1, Timestamp.from(clock.instant()));
                    return statement.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not delete expired async prediction results: {}", e.toString());
        }
    }

    private void insert(UUID deploymentId, String predictId) {
        Instant now = clock.instant();
        jdbc.execute(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    INSERT INTO async_predictions (predict_id, deployment_id, status, created_at, expires_at)
                    VALUES (?, ?, 'RUNNING', ?, ?)""")) {
                statement.setObject(1, UUID.fromString(predictId));
                statement.setObject(2, deploymentId);
                statement.setTimestamp(3, Timestamp.from(now));
                statement.setTimestamp(4, Timestamp.from(now.plus(config.asyncResultTtl())));
                return statement.executeUpdate();
            }
        });
    }

    private void store(String predictId, Reply reply) {
        int status;
        String contentType;
        byte[] body;
        switch (reply) {
            case Reply.FromNode node -> {
                status = node.status();
                contentType = node.contentType();
                body = node.body();
            }
            case Reply.Failed failed -> {
                status = failed.response().code();
                contentType = MediaType.APPLICATION_JSON;
                try {
                    body = json.writeValueAsBytes(failed.response().body());
                } catch (IOException e) {
                    throw new IllegalStateException("Could not encode an error body", e);
                }
            }
        }
        jdbc.execute(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    UPDATE async_predictions SET status = 'DONE', http_status = ?, content_type = ?, body = ?,
                                                 finished_at = ?
                    WHERE predict_id = ?""")) {
                statement.setInt(1, status);
                statement.setString(2, contentType);
                statement.setBytes(3, body);
                statement.setTimestamp(4, Timestamp.from(clock.instant()));
                statement.setObject(5, UUID.fromString(predictId));
                return statement.executeUpdate();
            }
        });
    }

    private static HttpResponse<?> unknown(String resultId, String predictId) {
        return DataPlaneResponses.error(404, "No prediction " + resultId + " for this deployment, or its result "
                + "has expired.", predictId);
    }

    private static UUID parse(String value) {
        try {
            return value.length() == 36 ? UUID.fromString(value) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
