package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "keys", description = "Project keys for the prediction API (a secret is shown once, when made).")
final class KeysCommand {
    @ParentCommand
    KilnCli root;

    @Command(name = "create", description = "Create a key; prints its secret, this once.")
    int create(@Option(names = "--name", description = "key name (default: cli-<date>-<time>)") String name,
               @Option(names = "--deployment", paramLabel = "ID", description = "limit the key to this deployment (repeatable)")
               List<String> deployments,
               @Mixin ProjectOptions where) {
        Context context = root.context();
        KilnClient client = context.signedIn();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name != null ? name
                : "cli-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (deployments != null) {
            body.put("deploymentIds", deployments);
        }
        return shownOnce(context, client.post("/api/v1/projects/" + where.resolve(context, client).id() + "/keys", body));
    }

    @Command(name = "list", description = "List the project's keys (never their secrets).")
    int list(@Mixin ProjectOptions where) {
        Context context = root.context();
        KilnClient client = context.signedIn();
        ApiResponse answer = client.get("/api/v1/projects/" + where.resolve(context, client).id() + "/keys");
        if (context.json()) {
            context.out().println(answer.body());
            return ExitCode.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode k : answer.json()) {
            rows.add(List.of(k.path("id").asText(), k.path("name").asText(), k.path("prefix").asText(),
                    k.path("status").asText()));
        }
        Output.table(context.out(), List.of("ID", "NAME", "PREFIX", "STATUS"), rows);
        return ExitCode.OK;
    }

    @Command(name = "rotate", description = "Give a key a new secret; the old one works for the grace period. Prints"
            + " the new secret, this once.")
    int rotate(@Parameters(paramLabel = "KEY", description = "key id") String id,
               @Option(names = "--grace", paramLabel = "DURATION", description = "how long the old secret still works"
                       + " (e.g. 10m; default: the server's)") Duration grace) {
        Context context = root.context();
        Map<String, Object> body = new LinkedHashMap<>();
        if (grace != null) {
            body.put("graceSeconds", grace.toSeconds());
        }
        return shownOnce(context, context.signedIn().post("/api/v1/keys/" + id + "/rotate", body));
    }

    @Command(name = "revoke", description = "Revoke a key: its secret stops working at once.")
    int revoke(@Parameters(paramLabel = "KEY", description = "key id") String id) {
        Context context = root.context();
        context.signedIn().delete("/api/v1/keys/" + id);
        context.out().println(context.json() ? Json.write(Map.of("id", id, "status", "REVOKED")) : "revoked " + id);
        return ExitCode.OK;
    }

    private static int shownOnce(Context context, ApiResponse answer) {
        if (context.json()) {
            context.out().println(answer.body());
            return ExitCode.OK;
        }
        JsonNode k = answer.json();
        Output.fields(context.out(), List.of("id", "name", "prefix", "secret"),
                List.of(k.path("id").asText(), k.path("name").asText(), k.path("prefix").asText(),
                        k.path("secret").asText()));
        context.err().println("the secret is shown only now: keep it somewhere safe");
        return ExitCode.OK;
    }
}
