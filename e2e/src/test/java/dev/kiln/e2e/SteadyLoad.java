package dev.kiln.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongPredicate;

/**
 * Closed-loop prediction load on one gateway: a few threads each send a prediction, wait for the answer and send
 * the next, recording every outcome with the moment it was sent. Fault tests count what failed and when.
 */
final class SteadyLoad implements AutoCloseable {

    /** One call: when it was sent ({@link System#nanoTime()}), its HTTP status (-1: no answer) and why it failed. */
    record Outcome(long sentNanos, int status, String detail) {
        boolean ok() {
            return status == 200;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param predictUrl the gateway's {@code /{deploymentId}/predict} URL
     * @param body       the JSON prediction request
     */
    SteadyLoad(String predictUrl, String secret, String body, int concurrency) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(predictUrl))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + secret)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        for (int i = 0; i < concurrency; i++) {
            threads.add(Thread.ofPlatform().daemon().name("steady-load-" + i).start(() -> {
                while (!stop.get()) {
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        outcomes.add(new Outcome(sent, response.statusCode(),
                                response.statusCode() == 200 ? "" : response.body()));
                    } catch (Exception e) {
                        outcomes.add(new Outcome(sent, -1, e.toString()));
                        if (e instanceof InterruptedException) {
                            return;
                        }
                    }
                }
            }));
        }
    }

    /** Waits until {@code count} calls have succeeded (the load is really flowing), or fails after a minute. */
    SteadyLoad awaitSuccesses(int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (outcomes.stream().filter(Outcome::ok).count() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the load did not get " + count + " successes in a minute: " + failures(t -> true));
            }
            AppProcess.sleep(100);
        }
        return this;
    }

    /** Calls sent at moments {@code sentAt} accepts. */
    List<Outcome> sent(LongPredicate sentAt) {
        return outcomes.stream().filter(o -> sentAt.test(o.sentNanos())).toList();
    }

    List<Outcome> failures(LongPredicate sentAt) {
        return sent(sentAt).stream().filter(o -> !o.ok()).toList();
    }

    /** Stops sending and waits for the calls in flight to finish. */
    @Override
    public void close() {
        stop.set(true);
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(40));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
