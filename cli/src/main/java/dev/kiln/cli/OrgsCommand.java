package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;

@Command(name = "orgs", description = "Organizations you belong to.")
final class OrgsCommand {
    @ParentCommand
    KilnCli root;

    @Command(name = "list", description = "List your organizations.")
    int list() {
        Context context = root.context();
        ApiResponse answer = context.signedIn().get("/api/v1/organizations");
        if (context.json()) {
            context.out().println(answer.body());
            return ExitCode.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode org : answer.json()) {
            rows.add(List.of(org.path("id").asText(), org.path("name").asText(), org.path("role").asText()));
        }
        Output.table(context.out(), List.of("ID", "NAME", "ROLE"), rows);
        return ExitCode.OK;
    }
}
