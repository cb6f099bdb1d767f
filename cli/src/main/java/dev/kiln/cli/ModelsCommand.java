package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@Command(name = "models", description = "Models and their versions.")
final class ModelsCommand {
    @ParentCommand
    KilnCli root;

    @Command(name = "push", description = "Upload an ONNX file as a new version of a model (created when missing);"
            + " prints the version id.")
    int push(@Parameters(paramLabel = "FILE", description = "the .onnx file (streamed)") Path file,
             @Option(names = "--name", description = "model name (default: the file name without .onnx)") String name,
             @Option(names = "--descriptor", paramLabel = "FILE", description = "descriptor JSON file") Path descriptor,
             @Option(names = "--version-tag", paramLabel = "TAG", description = "version tag (default: the next v<n>)")
             String versionTag,
             @Mixin ProjectOptions where) {
        requireFile(file);
        String descriptorJson = descriptor == null ? null : readJson(descriptor);
        Context context = root.context();
        KilnClient client = context.signedIn();
        Choice.Named project = where.resolve(context, client);
        String modelName = name != null ? name : file.getFileName().toString().replaceFirst("\\.onnx$", "");
        String modelId = modelId(client, project.id(), modelName);
        Multipart form = new Multipart();
        if (versionTag != null) {
            form.field("versionTag", versionTag);
        }
        if (descriptorJson != null) {
            form.json("descriptor", descriptorJson);
        }
        ApiResponse answer = client.upload("/api/v1/models/" + modelId + "/versions", form.file("file", file));
        context.out().println(context.json() ? answer.body() : answer.json().path("id").asText());
        return ExitCode.OK;
    }

    @Command(name = "list", description = "List the project's models and their latest versions.")
    int list(@Mixin ProjectOptions where) {
        Context context = root.context();
        KilnClient client = context.signedIn();
        ApiResponse answer = client.get("/api/v1/projects/" + where.resolve(context, client).id() + "/models");
        if (context.json()) {
            context.out().println(answer.body());
            return ExitCode.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode model : answer.json()) {
            JsonNode latest = Models.latestVersion(model);
            rows.add(List.of(model.path("id").asText(), model.path("name").asText(), model.path("task").asText(),
                    latest == null ? "" : latest.path("versionTag").asText(),
                    latest == null ? "" : latest.path("id").asText()));
        }
        Output.table(context.out(), List.of("ID", "NAME", "TASK", "LATEST", "LATEST VERSION ID"), rows);
        return ExitCode.OK;
    }

    /** The model of that name in the project: created, or the existing one when the name is taken (409). */
    private static String modelId(KilnClient client, String projectId, String name) {
        HttpResponse<String> created = client.postRaw("/api/v1/projects/" + projectId + "/models", Map.of("name", name));
        if (created.statusCode() == 201 || created.statusCode() == 200) {
            return Json.parse(created.body()).path("id").asText();
        }
        if (created.statusCode() != 409) {
            throw KilnClient.failure(created);
        }
        for (JsonNode model : client.get("/api/v1/projects/" + projectId + "/models").json()) {
            if (name.equals(model.path("name").asText())) {
                return model.path("id").asText();
            }
        }
        throw KilnClient.failure(created);
    }

    static void requireFile(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw CliException.usage("no such file: " + file);
        }
    }

    private static String readJson(Path file) {
        requireFile(file);
        try {
            String text = Files.readString(file);
            Json.MAPPER.readTree(text);
            return text;
        } catch (IOException e) {
            throw CliException.usage(file + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
