package dev.kiln.cli;

import picocli.CommandLine.Option;

/** {@code --project} and {@code --org} of the commands that act in a project; the choice is remembered. */
final class ProjectOptions {
    @Option(names = "--project", paramLabel = "PROJECT",
            description = "project id or name (default: the last chosen, else the only one you see)")
    String project;

    @Option(names = "--org", paramLabel = "ORG", description = "organization id or name to look for the project in")
    String org;

    Choice.Named resolve(Context context, KilnClient client) {
        return context.project(client, project, org);
    }
}
