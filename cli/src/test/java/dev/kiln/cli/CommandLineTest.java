package dev.kiln.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line without a server: usage errors, missing credentials, an unreachable server, local files. */
class CommandLineTest {
    @TempDir
    Path config;

    @TempDir
    Path work;

    @Test
    void anUnknownOptionIsOneLineOnStderrAndExitCodeTwo() {
        Cli.Result result = new Cli(config).run("deployments", "list", "--colour");

        assertThat(result.code()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err().lines()).singleElement().asString()
                .startsWith("kiln: Unknown option: '--colour'").contains("kiln deployments list --help");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void deployWithoutANameIsAUsageError() {
        Cli.Result result = new Cli(config).run("deploy", "some-model");

        assertThat(result.code()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).startsWith("kiln: Missing required option: '--name=<name>'");
    }

    @Test
    void anUnknownOutputFormatIsAUsageError() {
        Cli.Result result = new Cli(config).run("orgs", "list", "--output", "yaml");

        assertThat(result.code()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err().lines()).hasSize(1);
    }

    @Test
    void aCommandBeforeLoginSaysHowToSignInWithExitCodeThree() {
        Cli.Result result = new Cli(config).run("orgs", "list", "--server", "http://127.0.0.1:1");

        assertThat(result.code()).isEqualTo(ExitCode.NOT_SIGNED_IN);
        assertThat(result.err()).isEqualTo("kiln: not signed in to http://127.0.0.1:1; run: kiln login --server"
                + " http://127.0.0.1:1" + System.lineSeparator());
    }

    @Test
    void aServerThatDoesNotListenIsExitCodeFour() throws IOException {
        String server = "http://127.0.0.1:" + closedPort();

        Cli.Result result = new Cli(config).runWithInput("secret\n", "login", "--server", server, "--email", "a@b.c",
                "--password-stdin");

        assertThat(result.code()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(result.err()).isEqualTo("kiln: cannot reach " + server + ": connection refused" + System.lineSeparator());
        assertThat(Files.exists(config.resolve("kiln/credentials.json"))).isFalse();
    }

    @Test
    void loginWithoutATerminalOrPasswordStdinAsksForThePasswordFlag() {
        Cli.Result result = new Cli(config).run("login", "--email", "a@b.c");

        assertThat(result.code()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("pass --password-stdin");
    }

    @Test
    void aTokenThatIsNotAServiceAccountTokenIsRefusedBeforeAnyCall() {
        Cli.Result result = new Cli(config).run("login", "--server", "http://127.0.0.1:1", "--token", "kiln_abc");

        assertThat(result.code()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("starts with kiln_sat_");
    }

    @Test
    void predictWithoutAKeyOrWithAMissingImageIsAUsageError() {
        Cli.Result noKey = new Cli(config).run("predict", "dep", "image.jpg");
        Cli.Result noFile = new Cli(config).env("KILN_KEY", "kiln_x").run("predict", "dep",
                work.resolve("missing.jpg").toString());

        assertThat(noKey.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noKey.err()).contains("pass --key or set KILN_KEY");
        assertThat(noFile.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noFile.err()).isEqualTo("kiln: no such file: " + work.resolve("missing.jpg") + System.lineSeparator());
    }

    @Test
    void aServerThatIsNotAnHttpUrlIsAUsageError() {
        Cli.Result result = new Cli(config).env("KILN_SERVER", "ftp://example.com").run("orgs", "list");

        assertThat(result.code()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("http:// or https://");
    }

    @Test
    void helpListsTheExitCodes() {
        Cli.Result result = new Cli(config).run("--help");

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("Exit codes:", "3   not signed in", "models", "deployments", "keys");
    }

    @Test
    void everySubcommandHasHelp() {
        Cli.Result result = new Cli(config).run("deployments", "delete", "--help");

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("--confirm=NAME");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
