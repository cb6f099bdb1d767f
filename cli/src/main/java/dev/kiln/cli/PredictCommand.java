package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "predict", description = "Send an image to a deployment with a project key and print the predictions.")
final class PredictCommand implements Callable<Integer> {
    @ParentCommand
    KilnCli root;

    @Parameters(index = "0", paramLabel = "DEPLOYMENT", description = "deployment id")
    String deployment;

    @Parameters(index = "1", paramLabel = "IMAGE", description = "image file (JPEG, PNG, BMP, WebP)")
    Path image;

    @Option(names = "--routine", paramLabel = "NAME[:JSON]",
            description = "a routine, in order, e.g. FilterConfidence:{\"confidence\":0.5} (repeatable)")
    List<String> routines = new ArrayList<>();

    @Option(names = "--key", paramLabel = "kiln_…", description = "the project key (default: $KILN_KEY)")
    String key;

    @Override
    public Integer call() {
        Context context = root.context();
        String secret = key != null ? key : context.io().env("KILN_KEY");
        if (secret == null) {
            throw CliException.usage("no key: pass --key or set KILN_KEY (make one with: kiln keys create)");
        }
        ModelsCommand.requireFile(image);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("image_type", "base64");
        body.put("data", base64(image));
        if (!routines.isEmpty()) {
            body.put("routines", routines.stream().map(Routines::parse).toList());
        }
        ApiResponse answer = context.anonymous().withAuth(KilnClient.bearer(secret)).post("/" + deployment + "/predict", body);
        if (context.json()) {
            context.out().println(answer.body());
            return ExitCode.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode p : answer.json().path("predictions")) {
            rows.add(List.of(p.path("annotationId").asText(""), p.path("tag").path("name").asText(p.path("name").asText("")),
                    p.has("confidence") ? String.format(Locale.ROOT, "%.3f", p.path("confidence").asDouble()) : ""));
        }
        Output.table(context.out(), List.of("ANNOTATION", "TAG", "CONFIDENCE"), rows);
        return ExitCode.OK;
    }

    private static String base64(Path file) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }
}
