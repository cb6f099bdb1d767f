package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;

@Command(name = "projects", description = "Projects of an organization.")
final class ProjectsCommand {
    @ParentCommand
    KilnCli root;

    @Command(name = "list", description = "List the projects of an organization (the only one, the last chosen, or --org).")
    int list(@Option(names = "--org", paramLabel = "ORG", description = "organization id or name") String org) {
        Context context = root.context();
        KilnClient client = context.signedIn();
        Choice.Named organization = context.organization(client, org);
        ApiResponse answer = client.get("/api/v1/organizations/" + organization.id() + "/projects");
        if (context.json()) {
            context.out().println(answer.body());
            return ExitCode.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode project : answer.json()) {
            rows.add(List.of(project.path("id").asText(), project.path("name").asText()));
        }
        Output.table(context.out(), List.of("ID", "NAME"), rows);
        return ExitCode.OK;
    }
}
