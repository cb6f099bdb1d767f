package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code kiln}: the command line of Kiln's users, against any Kiln server. */
@Command(name = "kiln", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "kiln 0.1.0",
        description = "Work with a Kiln server: sign in, push models, deploy them, predict, manage keys, read logs.",
        subcommands = {LoginCommand.class, OrgsCommand.class, ProjectsCommand.class, ModelsCommand.class,
                DeployCommand.class, DeploymentsCommand.class, PredictCommand.class, KeysCommand.class,
                LogsCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the server refused the request (4xx), or the deployment failed",
                "2:bad command line or local input (unknown option, missing file)",
                "3:not signed in, or the server answered 401", "4:the server cannot be reached or answered 5xx",
                "5:timed out (a request, or waiting for ONLINE)"})
public final class KilnCli implements Callable<Integer> {

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Kiln server (default: $KILN_SERVER, else the one last signed in to, else "
                    + Context.DEFAULT_SERVER + ")")
    String server;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "table|json",
            description = "table (default) or json: the API's answer exactly as it came")
    Output output = Output.TABLE;

    @Spec
    CommandSpec spec;

    private final Io io;

    KilnCli(Io io) {
        this.io = io;
    }

    Context context() {
        return new Context(io, server, output);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(io.err());
        return ExitCode.USAGE;
    }

    public static void main(String[] args) {
        System.exit(run(Io.system(), args));
    }

    /** Runs one command line; errors are one line on stderr and an exit code (see {@link ExitCode}). */
    public static int run(Io io, String... args) {
        CommandLine commandLine = new CommandLine(new KilnCli(io))
                .setOut(io.out()).setErr(io.err())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(Duration.class, Durations::parse)
                .setParameterExceptionHandler((e, ignored) -> {
                    io.err().println("kiln: " + e.getMessage() + " (see: "
                            + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
                    return ExitCode.USAGE;
                })
                .setExecutionExceptionHandler((e, ignored, parsed) -> {
                    io.err().println("kiln: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                    return e instanceof CliException failure ? failure.exitCode() : ExitCode.API_ERROR;
                });
        int code = commandLine.execute(args);
        io.out().flush();
        io.err().flush();
        return code;
    }
}
