package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "logs", description = "A deployment's log (loads, failures, refused requests, status changes), oldest"
        + " first; --follow keeps printing new lines until Ctrl-C.")
final class LogsCommand implements Callable<Integer> {
    /** The most lines the server gives in one page. */
    private static final int PAGE = 500;

    @ParentCommand
    KilnCli root;

    @Parameters(paramLabel = "DEPLOYMENT", description = "deployment id")
    String deployment;

    @Option(names = {"-f", "--follow"}, description = "keep printing new lines")
    boolean follow;

    @Option(names = {"-n", "--lines"}, defaultValue = "50", description = "how many of the latest lines to show first"
            + " (1-" + PAGE + ", default: ${DEFAULT-VALUE})")
    int lines;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s",
            description = "with --follow, how often to look for new lines (default: ${DEFAULT-VALUE})")
    Duration interval;

    @Override
    public Integer call() {
        Context context = root.context();
        KilnClient client = context.signedIn();
        ApiResponse first = page(client, lines);
        if (context.json() && !follow) {
            context.out().println(first.body());
            return ExitCode.OK;
        }
        long last = print(context, first.json(), -1);
        while (follow && !Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return ExitCode.OK;
            }
            last = print(context, page(client, PAGE).json(), last);
        }
        return ExitCode.OK;
    }

    private ApiResponse page(KilnClient client, int size) {
        return client.get("/api/v1/deployments/" + deployment + "/logs?page=1&pageSize=" + size);
    }

    /** Prints the entries after {@code after} (by id), oldest first: a line each, or a JSON object each. */
    private static long print(Context context, JsonNode page, long after) {
        List<JsonNode> fresh = new ArrayList<>();
        for (JsonNode entry : page.path("items")) {
            if (entry.path("id").asLong() > after) {
                fresh.addFirst(entry);
            }
        }
        long last = after;
        for (JsonNode entry : fresh) {
            context.out().println(context.json() ? entry.toString()
                    : String.join("  ", entry.path("at").asText(), entry.path("level").asText(),
                    entry.path("kind").asText(), entry.path("message").asText()));
            last = Math.max(last, entry.path("id").asLong());
        }
        return last;
    }
}
