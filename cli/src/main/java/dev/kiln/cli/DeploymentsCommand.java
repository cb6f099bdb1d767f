package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@Command(name = "deployments", description = "List, show, wait for, scale and delete deployments.")
final class DeploymentsCommand {
    private static final List<String> SHOWN = List.of("id", "name", "status", "statusReason", "instances",
            "readyInstances", "modelVersionId", "versionTag", "resourceType", "projectId", "createdAt", "updatedAt");

    @ParentCommand
    KilnCli root;

    @Command(name = "list", description = "List the project's deployments.")
    int list(@Mixin ProjectOptions where) {
        Context context = root.context();
        KilnClient client = context.signedIn();
        ApiResponse answer = client.get("/api/v1/projects/" + where.resolve(context, client).id() + "/deployments");
        if (context.json()) {
            context.out().println(answer.body());
            return ExitCode.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode d : answer.json()) {
            rows.add(List.of(d.path("id").asText(), d.path("name").asText(), d.path("status").asText(),
                    d.path("readyInstances").asText() + "/" + d.path("instances").asText(),
                    d.path("versionTag").asText("")));
        }
        Output.table(context.out(), List.of("ID", "NAME", "STATUS", "READY", "VERSION"), rows);
        return ExitCode.OK;
    }

    @Command(name = "get", description = "Show one deployment.")
    int get(@Parameters(paramLabel = "DEPLOYMENT", description = "deployment id") String id) {
        Context context = root.context();
        ApiResponse answer = context.signedIn().get("/api/v1/deployments/" + id);
        if (context.json()) {
            context.out().println(answer.body());
            return ExitCode.OK;
        }
        JsonNode d = answer.json();
        Output.fields(context.out(), SHOWN, SHOWN.stream().map(field -> Json.text(d, field)).toList());
        return ExitCode.OK;
    }

    @Command(name = "wait", description = "Wait until a deployment is ONLINE, with a progress line on stderr;"
            + " exit code 1 when it FAILED, 5 after --timeout.")
    int await(@Parameters(paramLabel = "DEPLOYMENT", description = "deployment id") String id,
              @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
                      description = "how long to wait (default: ${DEFAULT-VALUE})") Duration timeout) {
        Context context = root.context();
        ApiResponse answer = Rollout.awaitOnline(context, context.signedIn(), id, timeout);
        context.out().println(context.json() ? answer.body() : answer.json().path("id").asText());
        return ExitCode.OK;
    }

    @Command(name = "scale", description = "Change how many instances a deployment runs.")
    int scale(@Parameters(paramLabel = "DEPLOYMENT", description = "deployment id") String id,
              @Option(names = "--instances", required = true, description = "instances to run") int instances) {
        Context context = root.context();
        ApiResponse answer = context.signedIn().patch("/api/v1/deployments/" + id, Map.of("instances", instances));
        JsonNode d = answer.json();
        context.out().println(context.json() ? answer.body()
                : "scaling " + d.path("name").asText() + " (" + d.path("id").asText() + ") to " + instances + " instances");
        return ExitCode.OK;
    }

    @Command(name = "delete", description = "Delete a deployment (its instances drain first).")
    int delete(@Parameters(paramLabel = "DEPLOYMENT", description = "deployment id") String id,
               @Option(names = "--confirm", required = true, paramLabel = "NAME",
                       description = "the deployment's name, to confirm") String confirm) {
        Context context = root.context();
        ApiResponse answer = context.signedIn().delete("/api/v1/deployments/" + id + "?confirm="
                + URLEncoder.encode(confirm, StandardCharsets.UTF_8));
        JsonNode d = answer.json();
        context.out().println(context.json() ? answer.body()
                : "deleting " + d.path("name").asText() + " (" + d.path("id").asText() + "): " + d.path("status").asText());
        return ExitCode.OK;
    }
}
