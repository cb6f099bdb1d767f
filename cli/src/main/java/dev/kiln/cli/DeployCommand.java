package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

@Command(name = "deploy", description = "Deploy a model version (or a model's latest version) and wait until it is"
        + " ONLINE; prints the deployment id.")
final class DeployCommand implements Callable<Integer> {
    @ParentCommand
    KilnCli root;

    @Parameters(paramLabel = "MODEL", description = "model version id, model id, or model name in the project")
    String model;

    @Option(names = "--name", required = true, description = "deployment name")
    String name;

    @Option(names = "--instances", description = "instances (default: the server's)")
    Integer instances;

    @Option(names = "--no-wait", description = "return at once instead of waiting for ONLINE")
    boolean noWait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "how long to wait for ONLINE (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Mixin
    ProjectOptions where;

    /** The version to deploy and the project it belongs to. */
    private record Target(String versionId, String projectId) {
    }

    @Override
    public Integer call() {
        Context context = root.context();
        KilnClient client = context.signedIn();
        Target target = target(context, client);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("modelVersionId", target.versionId());
        if (instances != null) {
            body.put("instances", instances);
        }
        ApiResponse created = client.post("/api/v1/projects/" + target.projectId() + "/deployments", body);
        ApiResponse result = noWait ? created : Rollout.awaitOnline(context, client, created.json().path("id").asText(), timeout);
        context.out().println(context.json() ? result.body() : result.json().path("id").asText());
        return ExitCode.OK;
    }

    private Target target(Context context, KilnClient client) {
        if (isUuid(model)) {
            HttpResponse<String> version = client.getRaw("/api/v1/model-versions/" + model);
            if (version.statusCode() == 200) {
                String modelId = Json.parse(version.body()).path("modelId").asText();
                return new Target(model, client.get("/api/v1/models/" + modelId).json().path("projectId").asText());
            }
            HttpResponse<String> byModel = client.getRaw("/api/v1/models/" + model);
            if (byModel.statusCode() == 200) {
                return latest(Json.parse(byModel.body()));
            }
            if (version.statusCode() != 404) {
                throw KilnClient.failure(version);
            }
            throw new CliException(ExitCode.API_ERROR, "no model or model version " + model);
        }
        String projectId = where.resolve(context, client).id();
        for (JsonNode m : client.get("/api/v1/projects/" + projectId + "/models").json()) {
            if (model.equals(m.path("name").asText())) {
                return latest(m);
            }
        }
        throw new CliException(ExitCode.API_ERROR, "no model named " + model + " in project " + projectId);
    }

    private Target latest(JsonNode m) {
        JsonNode version = Models.latestVersion(m);
        if (version == null) {
            throw new CliException(ExitCode.API_ERROR, "model " + m.path("name").asText() + " has no version yet;"
                    + " push one with: kiln models push");
        }
        return new Target(version.path("id").asText(), m.path("projectId").asText());
    }

    static boolean isUuid(String text) {
        try {
            UUID.fromString(text);
            return text.length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
