package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;

/** Waiting for a deployment to come ONLINE, for {@code deploy} and {@code deployments wait}. */
final class Rollout {
    private static final Duration POLL = Duration.ofSeconds(1);

    private Rollout() {
    }

    /**
     * Polls the deployment, with a progress line on stderr whenever its status or ready count changes.
     *
     * @return its answer once ONLINE
     * @throws CliException exit 1 when it FAILED, 5 when it is not ONLINE within the timeout
     */
    static ApiResponse awaitOnline(Context context, KilnClient client, String id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String shown = null;
        while (true) {
            ApiResponse answer = client.get("/api/v1/deployments/" + id);
            JsonNode deployment = answer.json();
            String name = deployment.path("name").asText();
            String status = deployment.path("status").asText();
            String reason = Json.text(deployment, "statusReason");
            String progress = "deploying " + name + ": " + status + " (" + deployment.path("readyInstances").asInt()
                    + "/" + deployment.path("instances").asInt() + " instances ready)"
                    + (reason == null ? "" : ": " + reason);
            if (!progress.equals(shown)) {
                context.err().println(progress);
                shown = progress;
            }
            switch (status) {
                case "ONLINE" -> {
                    return answer;
                }
                case "FAILED" -> throw new CliException(ExitCode.API_ERROR, "deployment " + name + " (" + id
                        + ") FAILED" + (reason == null ? "" : ": " + reason));
                default -> {
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CliException(ExitCode.TIMEOUT, "deployment " + name + " (" + id + ") is not ONLINE after "
                        + timeout.toSeconds() + "s (status " + status + ")");
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.TIMEOUT, "interrupted");
        }
    }
}
